"""Similar-case search on the built-in index (analysis.case_index): hashed TF-IDF over every
case's title (counted twice), facts, request, place and accused, cosine similarity."""

from xinfang.analysis.case_index import case_index, case_text
from xinfang.analysis.text import similarity_words


class IndexSimilarCaseSearch:
    version = "case-index-1"

    def search(
        self, *, title: str, facts: str, request: str, place_address: str = "", accused: str = "", limit: int
    ) -> list[tuple[int, float]]:
        words = similarity_words(case_text(title, facts, request, place_address, accused))
        return case_index().search(words, limit=limit)
