"""The screening ledger's writes: open a round, report a risk, close it (销号); each an action
with a keyword-only actor, in one transaction.

A closed risk carries its closing record (who, when, how it was resolved) and the evidence
file, checked by content like a case attachment and stored outside the web root; the file
is checked before the transaction and removed again if the transaction fails, so nothing
is left half-written.
"""

from dataclasses import dataclass
from datetime import date
from typing import IO

from django.db import IntegrityError, transaction

from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import Case
from xinfang.cases.uploads import StoredFile, check_upload, storage_path, store_upload
from xinfang.core import clock
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.privacy import has_personal_numbers
from xinfang.orgs.models import Organisation, User
from xinfang.screening import periods
from xinfang.screening.models import (
    PeriodKind,
    ReporterKind,
    RiskLevel,
    RiskStatus,
    RoundStatus,
    ScreeningRisk,
    ScreeningRound,
)
from xinfang.screening.selectors import (
    can_close_risk,
    can_report_risk,
    can_run_round,
    open_rounds_for,
    place_choices,
    responsible_choices,
    today,
)

# --- rounds (排查轮次) ----------------------------------------------------------------------------


def do_open_round(*, actor: User, organisation: Organisation, period_kind: str, day: date) -> ScreeningRound:
    """Open the weekly or monthly round of `organisation` for the period holding `day`."""
    if not can_run_round(actor, organisation):
        raise XinfangError(ErrorCode.SCREENING_ROUND_NOT_ALLOWED)
    if period_kind not in PeriodKind.values:
        raise XinfangError(ErrorCode.SCREENING_PERIOD_INVALID, field="period_kind")
    start, end = periods.period_for(period_kind, day)
    try:
        with transaction.atomic():
            return ScreeningRound.objects.create(
                organisation=organisation,
                period_kind=period_kind,
                period_start=start,
                period_end=end,
                created_by=actor,
            )
    except IntegrityError:
        raise XinfangError(
            ErrorCode.SCREENING_ROUND_EXISTS, periods.period_label(period_kind, start, end), field="day"
        ) from None


def do_close_round(*, actor: User, screening_round: ScreeningRound) -> ScreeningRound:
    """End a round: nothing more is reported into it; its risks stay open until 销号."""
    if not can_run_round(actor, screening_round.organisation):
        raise XinfangError(ErrorCode.SCREENING_ROUND_NOT_ALLOWED)
    with transaction.atomic():
        locked = ScreeningRound.objects.select_for_update().get(pk=screening_round.pk)
        if locked.status != RoundStatus.OPEN:
            raise XinfangError(ErrorCode.SCREENING_ROUND_CLOSED)
        locked.status = RoundStatus.CLOSED
        locked.closed_by = actor
        locked.closed_at = clock.now()
        locked.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
        return locked


# --- reporting a risk ----------------------------------------------------------------------------


@dataclass
class RiskInput:
    reporter_kind: str
    place_region: Organisation | None
    description: str
    level: str
    responsible_org: Organisation | None
    deadline: date | None
    place_address: str = ""
    screening_round: ScreeningRound | None = None
    related_case: Case | None = None


def check_risk(data: RiskInput, *, actor: User) -> list[XinfangError]:
    """Every problem with a risk to be reported, each tied to its form field."""
    if not can_report_risk(actor):
        return [XinfangError(ErrorCode.SCREENING_REPORT_NOT_ALLOWED)]
    problems: list[XinfangError] = []
    if data.reporter_kind not in ReporterKind.values:
        problems.append(XinfangError(ErrorCode.SCREENING_REPORTER_KIND_INVALID, field="reporter_kind"))
    if data.place_region is None or not place_choices(actor).filter(pk=data.place_region.pk).exists():
        problems.append(XinfangError(ErrorCode.SCREENING_PLACE_INVALID, field="place_region"))
    description = data.description.strip()
    if not description:
        problems.append(XinfangError(ErrorCode.SCREENING_DESCRIPTION_REQUIRED, field="description"))
    elif has_personal_numbers(description):
        problems.append(XinfangError(ErrorCode.SCREENING_PERSONAL_DATA, field="description"))
    if has_personal_numbers(data.place_address):
        problems.append(XinfangError(ErrorCode.SCREENING_PERSONAL_DATA, field="place_address"))
    if data.level not in RiskLevel.values:
        problems.append(XinfangError(ErrorCode.SCREENING_LEVEL_INVALID, field="level"))
    if (
        data.responsible_org is None
        or not responsible_choices(actor).filter(pk=data.responsible_org.pk).exists()
    ):
        problems.append(XinfangError(ErrorCode.SCREENING_RESPONSIBLE_INVALID, field="responsible_org"))
    if data.deadline is None or data.deadline < today():
        problems.append(XinfangError(ErrorCode.SCREENING_DEADLINE_PAST, field="deadline"))
    if (
        data.screening_round is not None
        and not open_rounds_for(actor).filter(pk=data.screening_round.pk).exists()
    ):
        problems.append(XinfangError(ErrorCode.SCREENING_ROUND_CLOSED, field="round"))
    if data.related_case is not None and not cases_visible_to(actor).filter(pk=data.related_case.pk).exists():
        problems.append(XinfangError(ErrorCode.CASE_NOT_FOUND, field="related_case"))
    return problems


def do_report_risk(*, actor: User, data: RiskInput) -> ScreeningRisk:
    """Record a risk reported by `actor` for their organisation (an ad-hoc report without a round)."""
    problems = check_risk(data, actor=actor)
    if problems:
        raise problems[0]
    assert data.place_region is not None and data.responsible_org is not None and data.deadline is not None
    assert actor.organisation is not None
    with transaction.atomic():
        if data.screening_round is not None:
            # The round's row serialises a report against the round being ended at the same time.
            locked = ScreeningRound.objects.select_for_update().get(pk=data.screening_round.pk)
            if locked.status != RoundStatus.OPEN:
                raise XinfangError(ErrorCode.SCREENING_ROUND_CLOSED, field="round")
        return ScreeningRisk.objects.create(
            round=data.screening_round,
            reporting_org=actor.organisation,
            reporter=actor,
            reporter_kind=data.reporter_kind,
            place_region=data.place_region,
            place_address=data.place_address.strip(),
            description=data.description.strip(),
            level=data.level,
            responsible_org=data.responsible_org,
            deadline=data.deadline,
            related_case=data.related_case,
        )


# --- closing a risk (销号) -----------------------------------------------------------------------


@dataclass
class EvidenceUpload:
    """An uploaded file as the view received it: its name, its content and its size."""

    name: str
    data: IO[bytes]
    size: int


def _check_evidence(evidence: EvidenceUpload) -> str:
    try:
        return check_upload(evidence.name, evidence.data, evidence.size)
    except XinfangError as error:
        raise XinfangError(error.code, error.detail, field="evidence") from None


def do_close_risk(
    *, actor: User, risk: ScreeningRisk, note: str, evidence: EvidenceUpload | None
) -> ScreeningRisk:
    """销号: the risk is resolved; a closing note and an evidence file are required."""
    if not can_close_risk(actor, risk):
        raise XinfangError(ErrorCode.SCREENING_CLOSE_NOT_ALLOWED)
    if risk.status != RiskStatus.OPEN:
        raise XinfangError(ErrorCode.SCREENING_ALREADY_CLOSED)
    note = note.strip()
    if not note:
        raise XinfangError(ErrorCode.SCREENING_CLOSING_NOTE_REQUIRED, field="note")
    if has_personal_numbers(note):
        raise XinfangError(ErrorCode.SCREENING_PERSONAL_DATA, field="note")
    if evidence is None:
        raise XinfangError(ErrorCode.SCREENING_EVIDENCE_REQUIRED, field="evidence")
    content_type = _check_evidence(evidence)
    stored: StoredFile = store_upload(evidence.name, evidence.data, content_type)
    try:
        with transaction.atomic():
            locked = ScreeningRisk.objects.select_for_update().get(pk=risk.pk)
            if locked.status != RiskStatus.OPEN:
                raise XinfangError(ErrorCode.SCREENING_ALREADY_CLOSED)
            locked.status = RiskStatus.CLOSED
            locked.closed_at = clock.now()
            locked.closed_by = actor
            locked.closing_note = note
            locked.evidence_name = stored.original_name
            locked.evidence_storage_name = stored.storage_name
            locked.evidence_content_type = stored.content_type
            locked.evidence_size = stored.size
            locked.evidence_sha256 = stored.sha256
            locked.save()
            return locked
    except BaseException:
        # The risk was not closed (closed meanwhile by someone else, or a database error):
        # its evidence must not stay behind unreferenced.
        storage_path(stored.storage_name).unlink(missing_ok=True)
        raise
