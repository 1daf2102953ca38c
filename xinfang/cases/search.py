"""Full-text search over title, facts and request, in the database's own index.

SQLite: an FTS5 table `case_fts` (rowid = case id) over space-separated
tokens. PostgreSQL: a table `case_search` with a tsvector built from the
token array (lexemes taken verbatim, so the database locale cannot drop
Chinese characters) and a GIN index. Both hold rjieba tokens, made here.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from xinfang.analysis.text import index_tokens, query_tokens
from xinfang.cases.models import Case

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS case_fts"
    " USING fts5(tokens, tokenize='unicode61 remove_diacritics 0')",
]
POSTGRES_DDL = [
    "CREATE TABLE IF NOT EXISTS case_search ("
    # No foreign key: cases are never deleted, and Django's test flush truncates
    # only the tables it knows, which a reference to cases_case would block.
    " case_id bigint PRIMARY KEY,"
    " document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS case_search_document ON case_search USING GIN (document)",
]


def case_tokens(case: Case) -> list[str]:
    return index_tokens(case.title, case.facts, case.request)


def index_rows(rows: Iterable[tuple[int, list[str]]]) -> None:
    """Write (case id, tokens) pairs to the index, replacing what was there."""
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(
                "INSERT INTO case_search (case_id, document) VALUES (%s, array_to_tsvector(%s::text[])) "
                "ON CONFLICT (case_id) DO UPDATE SET document = EXCLUDED.document",
                [(case_id, tokens) for case_id, tokens in rows],
            )
        else:
            cursor.executemany("DELETE FROM case_fts WHERE rowid = %s", [(case_id,) for case_id, _ in rows])
            cursor.executemany(
                "INSERT INTO case_fts (rowid, tokens) VALUES (%s, %s)",
                [(case_id, " ".join(tokens)) for case_id, tokens in rows],
            )


def index_case(case: Case) -> None:
    index_rows([(case.pk, case_tokens(case))])


def _fts5_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _tsquery_quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


# Up to this many matches, they are fetched from the index first and the cases
# looked up by id; beyond it the matches are dense enough that walking the
# newest cases and probing the index finds a page at once.
FEW_MATCHES = 5000


def _matching_ids_sql(tokens: list[str]) -> tuple[str, list[str]]:
    if connection.vendor == "postgresql":
        expression = " & ".join(_tsquery_quote(token) for token in tokens)
        return "SELECT case_id FROM case_search WHERE document @@ %s::tsquery", [expression]
    expression = " AND ".join(_fts5_quote(token) for token in tokens)
    return "SELECT rowid FROM case_fts WHERE case_fts MATCH %s", [expression]


def filter_by_text(queryset: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Cases whose text contains every word of the query.

    The planner cannot know how many cases a word matches, so the choice is
    made here: a rare word (a name, a place) must not make the database walk a
    million cases looking for a page of matches that does not exist."""
    tokens = query_tokens(query)
    if not tokens:
        return queryset
    sql, params = _matching_ids_sql(tokens)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {FEW_MATCHES + 1}", params)
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= FEW_MATCHES:
        return queryset.filter(id__in=ids)
    return queryset.filter(id__in=RawSQL(sql, params))  # noqa: S611 - fixed SQL, the query is a parameter
