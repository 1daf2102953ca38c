"""Issuing a document (出具文书): check, number, render, store, and record it on the case;
saving an uploaded template.

Lifecycle actions call `do_issue_document` inside their own transaction, with
the case row locked, so the document, its number and the case change commit or
roll back together; anything refused here writes nothing and uses no number.
"""

import hashlib

from django.db import transaction
from django.utils import timezone

from xinfang.cases import events
from xinfang.cases.models import Case, Category
from xinfang.core import clock
from xinfang.core.clock import chinese_date
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents import privacy
from xinfang.documents.kinds import (
    Addressee,
    KindSpec,
    check_document_fields,
    parse_date,
    spec_for,
)
from xinfang.documents.models import CaseDocument, DocumentTemplate
from xinfang.documents.numbering import next_document_number
from xinfang.documents.render import render_docx
from xinfang.documents.template_files import check_template, template_for
from xinfang.orgs.models import Organisation, User

# A collective visit may list dozens of co-signers; the document names the first few.
MAX_NAMES = 5
ANONYMOUS = "匿名"


def do_issue_document(
    *,
    actor: User,
    case: Case,
    kind: str,
    fields: dict[str, str],
    issuing_org: Organisation | None = None,
    addressee: str = "",
) -> CaseDocument:
    """Issue a document of `kind` for `case`. Raises the first problem found; forms call
    `kinds.check_document_fields` first to show them all."""
    spec = spec_for(kind)
    problems = check_document_fields(kind, fields)
    if problems:
        raise problems[0]
    org = issuing_org or actor.organisation
    if org is None:
        raise XinfangError(ErrorCode.NOT_ALLOWED)
    given = {name: str(fields.get(name) or "").strip() for name in spec.fields}
    names = petitioner_names(case)
    real_names = [name for name in names if name != ANONYMOUS]
    confidential = is_confidential(case, spec)
    addressee = addressee.strip()
    if not addressee and spec.addressed_to == Addressee.PETITIONER:
        addressee = _names_shown(names)
    if not addressee:
        raise XinfangError(ErrorCode.DOCUMENT_ADDRESSEE_REQUIRED, field="addressee")
    _check_typed_text(given | {"addressee": addressee}, real_names if confidential else [])

    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)  # a no-op when the caller holds it
        template, source = template_for(spec.kind)
        issued_at = clock.now()
        today = timezone.localtime(issued_at).date()
        number = next_document_number(org, spec.kind, today.year)
        values = {
            **_case_values(locked, names, real_names, confidential),
            **{name: _printable(name, value) for name, value in given.items()},
            "document_number": number,
            "addressee": addressee,
            "issuing_org": org.full_name,
            "issue_date": chinese_date(today),
        }
        content = render_docx(template, values)
        digest = hashlib.sha256(content).hexdigest()
        document = CaseDocument.objects.create(
            case=locked,
            kind=spec.kind,
            number=number,
            issuing_org=org,
            issued_by=actor,
            issued_at=issued_at,
            addressee=addressee,
            fields=given,
            content=content,
            sha256=digest,
            template_source=source,
        )
        events.record_document_issued(locked, actor, document.pk, spec.kind, number, digest)
    return document


def is_confidential(case: Case, spec: KindSpec) -> bool:
    """条例 Art.30: an accusation's documents for another body never identify the accuser."""
    return case.category == Category.ACCUSATION and spec.addressed_to == Addressee.BODY


def petitioner_names(case: Case) -> list[str]:
    names: list[str] = []
    for party in case.parties.select_related("petitioner"):
        name = ANONYMOUS if party.petitioner.is_anonymous else party.petitioner.name.strip()
        if name and name not in names:
            names.append(name)
    return names


def _check_typed_text(values: dict[str, str], accuser_names: list[str]) -> None:
    for name, value in values.items():
        if privacy.has_personal_numbers(value):
            raise XinfangError(ErrorCode.DOCUMENT_PERSONAL_DATA, field=name)
        if privacy.names_in(value, accuser_names):
            raise XinfangError(ErrorCode.DOCUMENT_NAMES_ACCUSER, field=name)


def _names_shown(names: list[str]) -> str:
    if len(names) > MAX_NAMES:
        return f"{'、'.join(names[:MAX_NAMES])}等{len(names)}人"
    return "、".join(names)


def _case_values(case: Case, names: list[str], real_names: list[str], confidential: bool) -> dict[str, str]:
    def clean(text: str) -> str:
        text = privacy.remove_personal_numbers(text)
        return privacy.remove_names(text, real_names) if confidential else text

    return {
        "case_number": case.number,
        "title": clean(case.title),
        "received_date": chinese_date(timezone.localtime(case.received_at).date()),
        "petitioner_names": privacy.CONFIDENTIAL_NAMES if confidential else _names_shown(names),
        "place": clean(f"{case.place_region.full_name}{case.place_address}"),
        "request": clean(case.request),
    }


def _printable(name: str, value: str) -> str:
    parsed = parse_date(value) if name.endswith("_date") and value else None
    return chinese_date(parsed) if parsed else value


def do_save_template(*, actor: User, template: DocumentTemplate) -> DocumentTemplate:
    """Save an uploaded template (checked again, since the kinds' fields may have changed since
    it was uploaded); an active one retires the kind's previously active template."""
    problems = check_template(template.kind, bytes(template.content))
    if problems:
        raise problems[0]
    with transaction.atomic():
        if template.active:
            DocumentTemplate.objects.filter(kind=template.kind, active=True).exclude(pk=template.pk).update(
                active=False
            )
        if template.uploaded_by_id is None:
            template.uploaded_by = actor
        template.save()
    return template
