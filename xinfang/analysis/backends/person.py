"""Same-person matching on the petitioner records (people.selectors): the same ID number or
phone (blind indexes), or a name that sounds or reads alike with an address alike (match keys)."""

from collections.abc import Sequence

from xinfang.analysis.interfaces import PersonCandidate
from xinfang.people.selectors import same_person_candidates


class RecordPersonMatcher:
    version = "person-match-1"

    def candidates(
        self, *, name: str, address: str = "", id_number: str = "", phones: Sequence[str] = ()
    ) -> list[PersonCandidate]:
        return same_person_candidates(name=name, address=address, id_number=id_number, phones=phones)
