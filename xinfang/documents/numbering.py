"""Document numbers: 西湖区信访局受告〔2026〕3号, gapless per issuing body, kind and year.

Like cases.numbering: the counter row is locked inside the issuing transaction,
so a document that fails to issue gives its number back and concurrent ones queue.
"""

from django.db import IntegrityError, transaction

from xinfang.documents.kinds import spec_for
from xinfang.documents.models import DocumentNumberCounter
from xinfang.orgs.models import Organisation


def format_document_number(org_name: str, abbreviation: str, year: int, seq: int) -> str:
    return f"{org_name}{abbreviation}〔{year}〕{seq}号"


def next_document_number(issuing_org: Organisation, kind: str, year: int) -> str:
    """Must run inside the caller's transaction."""
    assert transaction.get_connection().in_atomic_block, "document numbers are issued inside a transaction"
    key = {"issuing_org": issuing_org, "kind": kind, "year": year}
    counter = DocumentNumberCounter.objects.select_for_update().filter(**key).first()
    if counter is None:
        try:
            with transaction.atomic():
                DocumentNumberCounter.objects.create(**key, last_seq=0)
        except IntegrityError:
            pass  # another issue created it first; lock the existing row below
        counter = DocumentNumberCounter.objects.select_for_update().get(**key)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    return format_document_number(issuing_org.full_name, spec_for(kind).abbreviation, year, counter.last_seq)
