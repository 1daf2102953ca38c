"""Case numbers: XF-<region>-<year>-<seq>, gapless per receiving office and year.

The counter row is locked (SELECT … FOR UPDATE; SQLite's IMMEDIATE
transactions serialise writers) inside the registering transaction, so a
failed registration rolls its number back and concurrent ones queue.
"""

from django.db import IntegrityError, transaction

from xinfang.cases.models import CaseNumberCounter
from xinfang.orgs.models import Organisation


def format_case_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}-{seq:06d}"


def next_case_number(office: Organisation, year: int) -> str:
    """Must run inside the caller's transaction."""
    assert transaction.get_connection().in_atomic_block, "case numbers are issued inside a transaction"
    counter = CaseNumberCounter.objects.select_for_update().filter(organisation=office, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(organisation=office, year=year, last_seq=0)
        except IntegrityError:
            pass  # another registration created it first; lock the existing row below
        counter = CaseNumberCounter.objects.select_for_update().get(organisation=office, year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    assert office.case_number_prefix
    return format_case_number(office.case_number_prefix, year, counter.last_seq)
