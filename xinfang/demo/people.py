"""Demo petitioners: made-up people with valid GB 11643 ID numbers, and their encrypted rows.

ID numbers never repeat: the birth date and sequence come from an affine
permutation of the person's index, so a million people need no "seen" set.
Encryption uses exactly what people.actions.do_record_petitioner uses.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from xinfang.core import crypto
from xinfang.demo import templates
from xinfang.people.identity import (
    birth_year_of,
    gender_of,
    id_check_char,
    mask_address,
    mask_id_number,
    mask_phone,
)
from xinfang.people.models import Petitioner, PetitionerPhone

# Registered-residence codes of Hangzhou districts and counties (GB/T 2260), and a few from elsewhere.
RESIDENCE_CODES = (
    "330106",
    "330106",
    "330106",
    "330110",
    "330102",
    "330105",
    "330108",
    "330109",
    "330122",
    "330127",
    "330182",
    "341221",
    "362329",
    "513030",
    "412723",
)
FIRST_BIRTH = date(1950, 1, 1)
BIRTH_DAYS = (date(2004, 12, 31) - FIRST_BIRTH).days + 1
_PERMUTATION_SIZE = BIRTH_DAYS * 1000  # (birth day, 3-digit sequence) pairs
_STEP = 1_000_003  # prime, so index -> (index * step + offset) mod size is one-to-one
MOBILE_PREFIXES = (
    "130",
    "133",
    "135",
    "136",
    "138",
    "139",
    "150",
    "153",
    "158",
    "159",
    "177",
    "180",
    "186",
    "189",
)


@dataclass(frozen=True)
class PersonSpec:
    """One petitioner as the generator sees it; `index` is its place in the run, not a database id."""

    index: int
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    region_id: int | None = None
    is_anonymous: bool = False


def id_number_for(index: int, residence: str, offset: int) -> str:
    k = (index * _STEP + offset) % _PERMUTATION_SIZE
    day, sequence = divmod(k, 1000)
    birth = FIRST_BIRTH + timedelta(days=day)
    first17 = f"{residence}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def make_person(rng: random.Random, index: int, *, offset: int, address: str, region_id: int) -> PersonSpec:
    id_number = id_number_for(index, rng.choice(RESIDENCE_CODES), offset)
    given = templates.MALE_GIVEN if gender_of(id_number) == "M" else templates.FEMALE_GIVEN
    name = rng.choice(templates.SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
    phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    return PersonSpec(index, name, id_number, phone, address, region_id)


def petitioner_rows(person: PersonSpec) -> tuple[Petitioner, PetitionerPhone | None]:
    """Unsaved rows for one person, encrypted and masked like do_record_petitioner does."""
    if person.is_anonymous:
        return Petitioner(is_anonymous=True), None
    petitioner = Petitioner(
        name=person.name,
        id_number_cipher=crypto.encrypt(person.id_number),
        id_number_digest=crypto.blind_index(person.id_number),
        id_number_mask=mask_id_number(person.id_number),
        birth_year=birth_year_of(person.id_number),
        gender=gender_of(person.id_number),
        address_cipher=crypto.encrypt(person.address),
        address_mask=mask_address(person.address),
        region_id=person.region_id,
    )
    phone = PetitionerPhone(
        cipher=crypto.encrypt(person.phone),
        digest=crypto.phone_index(person.phone),
        mask=mask_phone(person.phone),
    )
    return petitioner, phone
