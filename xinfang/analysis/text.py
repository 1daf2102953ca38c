"""Chinese text normalisation and segmentation. Pure; no Django.

Full-width forms fold to half-width (NFKC), Latin letters to lower case.
Indexing uses rjieba's search mode (words and their sub-words), queries
the precise mode, so a query word is always among the indexed tokens.
"""

import re
import unicodedata

import rjieba

_TOKEN = re.compile(r"[\w]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()


# Longer runs (a pasted URL, a base64 block) are not words anyone searches for,
# and PostgreSQL refuses lexemes of 2 KB or more.
MAX_TOKEN_CHARS = 64


def _keep(token: str) -> bool:
    return bool(token.strip()) and len(token) <= MAX_TOKEN_CHARS and bool(_TOKEN.search(token))


def index_tokens(*texts: str) -> list[str]:
    """Distinct tokens of the texts for the full-text index, in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        if text:
            for token in rjieba.cut_for_search(normalise(text)):
                if _keep(token):
                    seen.setdefault(token.strip(), None)
    return list(seen)


def query_tokens(query: str) -> list[str]:
    seen: dict[str, None] = {}
    for token in rjieba.cut(normalise(query)):
        if _keep(token):
            seen.setdefault(token.strip(), None)
    return list(seen)
