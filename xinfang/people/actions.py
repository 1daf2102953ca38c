"""Writes to petitioner records. Called inside case actions, never from views."""

from dataclasses import dataclass, field

from xinfang.core import crypto
from xinfang.orgs.models import Organisation
from xinfang.people.identity import birth_date_of, gender_of, mask_address, mask_id_number, mask_phone
from xinfang.people.models import Petitioner, PetitionerPhone


@dataclass
class PetitionerInput:
    """Checked input for one petitioner (identity already validated and normalised)."""

    name: str = ""
    id_number: str = ""
    phones: list[str] = field(default_factory=list)
    address: str = ""
    region: Organisation | None = None
    is_anonymous: bool = False


def do_record_petitioner(data: PetitionerInput) -> Petitioner:
    """The same ID number is the same person: reuse the record and add new phones."""
    if data.is_anonymous:
        return Petitioner.objects.create(is_anonymous=True)
    petitioner = None
    if data.id_number:
        petitioner = Petitioner.objects.filter(id_number_digest=crypto.blind_index(data.id_number)).first()
    if petitioner is None:
        petitioner = Petitioner(name=data.name)
        if data.id_number:
            petitioner.id_number_cipher = crypto.encrypt(data.id_number)
            petitioner.id_number_digest = crypto.blind_index(data.id_number)
            petitioner.id_number_mask = mask_id_number(data.id_number)
            petitioner.birth_date = birth_date_of(data.id_number)
            petitioner.gender = gender_of(data.id_number)
    petitioner.name = data.name or petitioner.name
    if data.address:
        petitioner.address_cipher = crypto.encrypt(data.address)
        petitioner.address_mask = mask_address(data.address)
    if data.region is not None:
        petitioner.region = data.region
    petitioner.save()
    known = set(petitioner.phones.values_list("digest", flat=True))
    for phone in data.phones:
        digest = crypto.blind_index(phone)
        if digest not in known:
            PetitionerPhone.objects.create(
                petitioner=petitioner, cipher=crypto.encrypt(phone), digest=digest, mask=mask_phone(phone)
            )
            known.add(digest)
    return petitioner
