"""Reads of petitioner records: who among those already recorded may be this person.

The caller (analysis.intake) turns the petitioners found here into their cases through
cases.access, so nobody learns of a case they may not see.
"""

from collections.abc import Sequence

from xinfang.analysis.interfaces import PersonCandidate
from xinfang.core import crypto
from xinfang.people import matching
from xinfang.people.actions import match_key_digests
from xinfang.people.models import Petitioner, PetitionerMatchKey, PetitionerPhone

# Candidates scored per lookup: keys pair a name with a place, so a lookup finds a handful; the
# cap only matters for a very common name in a very large estate (most recent first).
MAX_KEY_CANDIDATES = 100
ID_NUMBER_SCORE = 1.0
PHONE_SCORE = 0.97


def same_person_candidates(
    *, name: str, address: str = "", id_number: str = "", phones: Sequence[str] = ()
) -> list[PersonCandidate]:
    """Recorded petitioners who may be this person, best first: the same ID number, the same
    phone, or a name that sounds or reads alike with an address alike."""
    found: dict[int, PersonCandidate] = {}

    def keep(candidate: PersonCandidate) -> None:
        if candidate.petitioner_id not in found or found[candidate.petitioner_id].score < candidate.score:
            found[candidate.petitioner_id] = candidate

    if id_number:
        digest = crypto.blind_index(id_number)
        for pk in Petitioner.objects.filter(id_number_digest=digest).values_list("pk", flat=True):
            keep(PersonCandidate(pk, ID_NUMBER_SCORE, ("身份证号相同",)))
    digests = [crypto.phone_index(phone) for phone in phones if phone]
    if digests:
        for pk in PetitionerPhone.objects.filter(digest__in=digests).values_list("petitioner_id", flat=True):
            keep(PersonCandidate(pk, PHONE_SCORE, ("联系电话相同",)))
    if name.strip():
        for candidate in _by_name_and_address(name, address, exclude=set(found)):
            keep(candidate)
    return sorted(found.values(), key=lambda c: (-c.score, -c.petitioner_id))


def _by_name_and_address(name: str, address: str, *, exclude: set[int]) -> list[PersonCandidate]:
    digests = match_key_digests(name, address)
    if not digests:
        return []
    ids = list(
        PetitionerMatchKey.objects.filter(digest__in=digests)
        .exclude(petitioner_id__in=exclude)
        .order_by("-petitioner_id")
        .values_list("petitioner_id", flat=True)
        .distinct()[:MAX_KEY_CANDIDATES]
    )
    candidates = []
    for pk, other_name, cipher in Petitioner.objects.filter(pk__in=ids).values_list(
        "pk", "name", "address_cipher"
    ):
        # Every candidate shares a name-and-place key with this person.
        match = matching.person_similarity(
            name, address, other_name, crypto.decrypt(cipher), same_place_on_record=True
        )
        if match.is_match:
            candidates.append(PersonCandidate(pk, match.score, match.reasons))
    return candidates
