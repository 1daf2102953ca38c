"""Writes to petitioner records. Called inside case actions, never from views."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from xinfang.core import crypto
from xinfang.orgs.models import Organisation
from xinfang.people import matching
from xinfang.people.identity import (
    birth_year_of,
    gender_of,
    mask_address,
    mask_email,
    mask_id_number,
    mask_phone,
)
from xinfang.people.models import Petitioner, PetitionerMatchKey, PetitionerPhone

if TYPE_CHECKING:
    from xinfang.cases.models import Case
    from xinfang.orgs.models import User


@dataclass
class PetitionerInput:
    """Checked input for one petitioner (identity already validated and normalised)."""

    name: str = ""
    id_number: str = ""
    phones: list[str] = field(default_factory=list)
    address: str = ""
    email: str = ""
    region: Organisation | None = None
    is_anonymous: bool = False


def do_record_petitioner(data: PetitionerInput) -> Petitioner:
    """The same ID number is the same person: reuse the record, fill what it lacks, add new phones."""
    if data.is_anonymous:
        return Petitioner.objects.create(is_anonymous=True)
    digest = crypto.blind_index(data.id_number) if data.id_number else ""
    petitioner = Petitioner.objects.filter(id_number_digest=digest).first() if digest else None
    if petitioner is None:
        petitioner = Petitioner(name=data.name)
        if data.id_number:
            petitioner.id_number_cipher = crypto.encrypt(data.id_number)
            petitioner.id_number_digest = digest
            petitioner.id_number_mask = mask_id_number(data.id_number)
            petitioner.birth_year = birth_year_of(data.id_number)
            petitioner.gender = gender_of(data.id_number)
        try:
            with transaction.atomic():
                petitioner.save()
        except IntegrityError:
            # Another registration of the same new person committed first: theirs is the record.
            petitioner = Petitioner.objects.get(id_number_digest=digest)
    # A known person's recorded name, address and email stay as they are: a typo on a
    # new registration must not rewrite them across all their earlier cases.
    keys_before = (petitioner.name, petitioner.address_cipher)
    petitioner.name = petitioner.name or data.name
    if data.address and not petitioner.address_cipher:
        petitioner.address_cipher = crypto.encrypt(data.address)
        petitioner.address_mask = mask_address(data.address)
    if data.email and not petitioner.email_cipher:
        petitioner.email_cipher = crypto.encrypt(data.email)
        petitioner.email_digest = crypto.blind_index(data.email.lower())
        petitioner.email_mask = mask_email(data.email)
    if data.region is not None and petitioner.region_id is None:
        petitioner.region = data.region
    petitioner.save()
    known = set(petitioner.phones.values_list("digest", flat=True))
    for phone in data.phones:
        digest = crypto.phone_index(phone)
        if digest not in known:
            PetitionerPhone.objects.create(
                petitioner=petitioner, cipher=crypto.encrypt(phone), digest=digest, mask=mask_phone(phone)
            )
            known.add(digest)
    if (petitioner.name, petitioner.address_cipher) != keys_before or not petitioner.match_keys.exists():
        do_index_match_keys(petitioner, petitioner.name, crypto.decrypt(petitioner.address_cipher))
    if data.address:
        # A known person at a new address: findable there too (the recorded address stays).
        do_add_match_keys(petitioner, petitioner.name or data.name, data.address)
    return petitioner


def match_key_digests(name: str, address: str) -> set[str]:
    """The stored form of the matching keys (people.matching): keyed digests, never the words."""
    return {crypto.keyed_digest(key, purpose="person-match") for key in matching.match_keys(name, address)}


def do_backfill_match_keys(*, batch: int = 2000) -> int:
    """Matching keys for every named petitioner that has none (records written before keys
    existed, or by a bulk import); returns how many were given keys."""
    done = 0
    last = 0
    while True:
        # Two indexed reads per batch: the next petitioners by id, then which of them have keys
        # (an anti-join against the whole key table gets slower as the table fills).
        rows = list(
            Petitioner.objects.filter(pk__gt=last, is_anonymous=False)
            .order_by("pk")
            .values_list("pk", "name", "address_cipher")[:batch]
        )
        if not rows:
            return done
        last = rows[-1][0]
        keyed = set(
            PetitionerMatchKey.objects.filter(petitioner_id__in=[row[0] for row in rows]).values_list(
                "petitioner_id", flat=True
            )
        )
        missing = [row for row in rows if row[0] not in keyed]
        with transaction.atomic():
            PetitionerMatchKey.objects.bulk_create(
                PetitionerMatchKey(petitioner_id=pk, digest=digest)
                for pk, name, cipher in missing
                for digest in sorted(match_key_digests(name, crypto.decrypt(cipher)))
            )
        done += len(missing)


def do_add_match_keys(petitioner: Petitioner, name: str, address: str) -> None:
    PetitionerMatchKey.objects.bulk_create(
        (
            PetitionerMatchKey(petitioner=petitioner, digest=digest)
            for digest in match_key_digests(name, address)
        ),
        ignore_conflicts=True,
    )


def do_index_match_keys(petitioner: Petitioner, name: str, address: str) -> None:
    """Replace the petitioner's matching keys with those of this name and address."""
    PetitionerMatchKey.objects.filter(petitioner=petitioner).delete()
    PetitionerMatchKey.objects.bulk_create(
        PetitionerMatchKey(petitioner=petitioner, digest=digest)
        for digest in sorted(match_key_digests(name, address))
    )


@dataclass
class RevealedPetitioner:
    petitioner: Petitioner
    id_number: str
    phones: list[str]
    address: str
    email: str


def do_reveal_personal_data(
    *, actor: "User", case: "Case", petitioner: Petitioner, ip_address: str | None
) -> RevealedPetitioner:
    """Decrypt one petitioner's personal data for a case the actor may see, and log the view.

    The caller obtained `case` through cases.access; the role check is here so no
    caller can forget it."""
    from xinfang.core.errors import ErrorCode, XinfangError
    from xinfang.orgs.roles import CAN_SEE_PERSONAL_DATA
    from xinfang.people.models import PersonalDataView

    if actor.role not in CAN_SEE_PERSONAL_DATA or not case.parties.filter(petitioner=petitioner).exists():
        raise XinfangError(ErrorCode.NOT_ALLOWED)
    PersonalDataView.objects.create(user=actor, petitioner=petitioner, case=case, ip_address=ip_address)
    return RevealedPetitioner(
        petitioner=petitioner,
        id_number=crypto.decrypt(petitioner.id_number_cipher),
        phones=[crypto.decrypt(phone.cipher) for phone in petitioner.phones.all()],
        address=crypto.decrypt(petitioner.address_cipher),
        email=crypto.decrypt(petitioner.email_cipher),
    )
