"""Leader work: every write is an action here, each in one transaction.

Reception days (领导接待日, 条例: 领导干部接访下访) are arranged by the receiving
office; a case registered there is linked to the day and its history says so.
Leader case ownership (领导包案) gives a hard case to a leader with a plan and a
target date; the leader and the handling staff record each step until the
petitioner stops petitioning (息访息诉). Actions that touch a case lock its row
before appending to its history.
"""

from dataclasses import dataclass
from datetime import date, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.cases import events
from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import Case, Channel
from xinfang.cases.states import Status
from xinfang.core import clock, crypto
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.leaders.models import (
    OVERLAPPING_PARTS,
    AppointmentStatus,
    DayPart,
    LeaderCase,
    LeaderCaseStep,
    ReceptionAppointment,
    ReceptionDay,
    ReceptionDayCase,
    ReceptionStatus,
)
from xinfang.leaders.selectors import in_scope, reception_days_visible_to
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.roles import CAN_REGISTER, Role
from xinfang.people.identity import check_phone, mask_phone

# Who arranges reception days and books visitors: the receiving office's front desk,
# its head, and the leaders themselves.
CAN_ARRANGE_RECEPTION = frozenset({Role.REGISTRAR, Role.UNIT_HEAD, Role.LEADER})
# Who may register a case at a reception day: whoever arranges it or registers petitions.
CAN_LINK_RECEPTION = CAN_ARRANGE_RECEPTION | CAN_REGISTER
# Who gives a case to a leader (领导包案).
CAN_ASSIGN_LEADER_CASE = frozenset({Role.UNIT_HEAD, Role.SUPERVISOR, Role.LEADER})
# Besides the leader: who records the work done on a 包案, and who confirms 息访息诉.
CAN_RECORD_LEADER_STEP = frozenset({Role.HANDLER, Role.UNIT_HEAD})
CAN_SETTLE_LEADER_CASE = frozenset({Role.UNIT_HEAD})


def _can_see_case(user: User, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def _lock_case(case: Case) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == Status.ARCHIVED:
        # An archived case is frozen: its file is closed and nothing more is recorded on it.
        raise XinfangError(ErrorCode.WRONG_STATUS, f"当前环节：{locked.status_label}")
    return locked


# --- who may (pages use these to show or hide buttons; actions enforce them) ----------------------


def can_arrange_reception(user: User, organisation: Organisation | None) -> bool:
    return user.is_active and user.role in CAN_ARRANGE_RECEPTION and in_scope(user, organisation)


def can_mark_held(user: User, day: ReceptionDay) -> bool:
    if not user.is_active:
        return False
    return day.leader_id == user.pk or (user.role == Role.UNIT_HEAD and in_scope(user, day.organisation))


def can_assign_leader_case(user: User) -> bool:
    return user.is_active and user.role in CAN_ASSIGN_LEADER_CASE


def can_record_leader_step(user: User, leader_case: LeaderCase) -> bool:
    """The caller obtained `leader_case` through access_leader_case, so the case is in scope."""
    return user.is_active and (leader_case.leader_id == user.pk or user.role in CAN_RECORD_LEADER_STEP)


def can_settle_leader_case(user: User, leader_case: LeaderCase) -> bool:
    return user.is_active and (leader_case.leader_id == user.pk or user.role in CAN_SETTLE_LEADER_CASE)


def _valid_reception_leader(actor: User, leader: User, organisation: Organisation) -> bool:
    """A leader of the actor's scope, or one above it whose scope holds the place (领导下访)."""
    if leader.role != Role.LEADER or not leader.is_active or leader.organisation is None:
        return False
    return in_scope(actor, leader.organisation) or in_scope(leader, organisation)


# --- reception days ----------------------------------------------------------------------------------


@dataclass
class ReceptionDayInput:
    organisation: Organisation
    leader: User
    date: date
    place: str
    day_part: str = DayPart.MORNING
    start_time: time | None = None
    end_time: time | None = None
    topics: str = ""


def check_reception_day(data: ReceptionDayInput, *, actor: User) -> list[XinfangError]:
    """Every problem with a reception day to be scheduled, each tied to a form field."""
    if not can_arrange_reception(actor, data.organisation):
        return [XinfangError(ErrorCode.RECEPTION_NOT_ALLOWED)]
    problems: list[XinfangError] = []
    if not _valid_reception_leader(actor, data.leader, data.organisation):
        problems.append(XinfangError(ErrorCode.RECEPTION_LEADER_INVALID, field="leader"))
    if data.date < timezone.localdate():
        problems.append(XinfangError(ErrorCode.RECEPTION_DATE_PAST, field="date"))
    if (data.start_time is None) != (data.end_time is None) or (
        data.start_time and data.end_time and data.end_time <= data.start_time
    ):
        problems.append(XinfangError(ErrorCode.RECEPTION_TIME_INVALID, field="end_time"))
    if not data.place.strip():
        problems.append(XinfangError(ErrorCode.RECEPTION_PLACE_REQUIRED, field="place"))
    if data.day_part not in OVERLAPPING_PARTS:
        problems.append(XinfangError(ErrorCode.RECEPTION_TIME_INVALID, field="day_part"))
    elif _leader_busy(data):
        problems.append(XinfangError(ErrorCode.RECEPTION_LEADER_BUSY, field="day_part"))
    return problems


def _leader_busy(data: ReceptionDayInput) -> bool:
    return (
        ReceptionDay.objects.filter(
            leader=data.leader, date=data.date, day_part__in=OVERLAPPING_PARTS[data.day_part]
        )
        .exclude(status=ReceptionStatus.CANCELLED)
        .exists()
    )


def do_schedule_reception_day(*, actor: User, data: ReceptionDayInput) -> ReceptionDay:
    problems = check_reception_day(data, actor=actor)
    if problems:
        raise problems[0]
    with transaction.atomic():
        # The leader's row serialises two offices booking the same leader for the same half-day.
        User.objects.select_for_update().filter(pk=data.leader.pk).first()
        if _leader_busy(data):
            raise XinfangError(ErrorCode.RECEPTION_LEADER_BUSY, field="day_part")
        return ReceptionDay.objects.create(
            organisation=data.organisation,
            leader=data.leader,
            date=data.date,
            day_part=data.day_part,
            start_time=data.start_time,
            end_time=data.end_time,
            place=data.place.strip(),
            topics=data.topics.strip(),
            created_by=actor,
        )


def _lock_planned_day(day: ReceptionDay) -> ReceptionDay:
    locked = ReceptionDay.objects.select_for_update().select_related("organisation").get(pk=day.pk)
    if locked.status != ReceptionStatus.PLANNED:
        raise XinfangError(ErrorCode.RECEPTION_DAY_NOT_PLANNED)
    return locked


def do_cancel_reception_day(*, actor: User, reception_day: ReceptionDay, reason: str) -> ReceptionDay:
    if not can_arrange_reception(actor, reception_day.organisation):
        raise XinfangError(ErrorCode.RECEPTION_NOT_ALLOWED)
    if not reason.strip():
        raise XinfangError(ErrorCode.RECEPTION_CANCEL_REASON_REQUIRED, field="reason")
    with transaction.atomic():
        day = _lock_planned_day(reception_day)
        if ReceptionDayCase.objects.filter(reception_day=day).exists():
            # Cases were received there: the day took place, whatever was planned.
            raise XinfangError(ErrorCode.RECEPTION_DAY_NOT_PLANNED, "已有在该接待日登记的信访事项")
        day.status = ReceptionStatus.CANCELLED
        day.cancel_reason = reason.strip()
        day.closed_by = actor
        day.closed_at = clock.now()
        day.save(update_fields=["status", "cancel_reason", "closed_by", "closed_at", "updated_at"])
        return day


def do_mark_reception_day_held(*, actor: User, reception_day: ReceptionDay) -> ReceptionDay:
    if not can_mark_held(actor, reception_day):
        raise XinfangError(ErrorCode.RECEPTION_HELD_NOT_ALLOWED)
    if reception_day.date > timezone.localdate():
        raise XinfangError(ErrorCode.RECEPTION_DAY_NOT_YET)
    with transaction.atomic():
        day = _lock_planned_day(reception_day)
        day.status = ReceptionStatus.HELD
        day.closed_by = actor
        day.closed_at = clock.now()
        day.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
        return day


def do_book_appointment(
    *,
    actor: User,
    reception_day: ReceptionDay,
    petitioner_name: str,
    phone: str,
    matter: str,
    head_count: int = 1,
) -> ReceptionAppointment:
    """Book a visitor in; the phone is kept encrypted with a mask for the pages."""
    if not can_arrange_reception(actor, reception_day.organisation):
        raise XinfangError(ErrorCode.RECEPTION_NOT_ALLOWED)
    if not petitioner_name.strip():
        raise XinfangError(ErrorCode.APPOINTMENT_NAME_REQUIRED, field="petitioner_name")
    try:
        number = check_phone(phone)
    except XinfangError as error:
        raise XinfangError(error.code, error.detail, field="phone") from None
    if not matter.strip():
        raise XinfangError(ErrorCode.APPOINTMENT_MATTER_REQUIRED, field="matter")
    if not 1 <= head_count <= 9999:
        raise XinfangError(ErrorCode.HEAD_COUNT_INVALID, field="head_count")
    with transaction.atomic():
        day = _lock_planned_day(reception_day)
        return ReceptionAppointment.objects.create(
            reception_day=day,
            petitioner_name=petitioner_name.strip(),
            phone_cipher=crypto.encrypt(number),
            phone_digest=crypto.phone_index(number),
            phone_mask=mask_phone(number),
            matter=matter.strip(),
            head_count=head_count,
            booked_by=actor,
        )


def do_record_appointment_outcome(
    *, actor: User, appointment: ReceptionAppointment, status: str
) -> ReceptionAppointment:
    """Attended or not (到访 / 未到访), once, on or after the day."""
    day = appointment.reception_day
    if not can_arrange_reception(actor, day.organisation):
        raise XinfangError(ErrorCode.RECEPTION_NOT_ALLOWED)
    if status not in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
        raise XinfangError(ErrorCode.APPOINTMENT_OUTCOME_INVALID)
    if day.date > timezone.localdate():
        raise XinfangError(ErrorCode.RECEPTION_DAY_NOT_YET)
    with transaction.atomic():
        locked = ReceptionAppointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != AppointmentStatus.BOOKED:
            raise XinfangError(ErrorCode.APPOINTMENT_OUTCOME_DONE)
        if day.status == ReceptionStatus.CANCELLED:
            raise XinfangError(ErrorCode.RECEPTION_DAY_CANCELLED)
        locked.status = status
        locked.outcome_by = actor
        locked.outcome_at = clock.now()
        locked.save(update_fields=["status", "outcome_by", "outcome_at"])
        return locked


def do_link_case_to_reception_day(
    *,
    actor: User,
    case: Case,
    reception_day: ReceptionDay,
    appointment: ReceptionAppointment | None = None,
) -> ReceptionDayCase:
    """Record that `case` was received at `reception_day` (for a booked visitor: `appointment`).

    Linking the same case to the same day again (a resubmitted form) returns the first link."""
    if actor.role not in CAN_LINK_RECEPTION or not actor.is_active:
        raise XinfangError(ErrorCode.RECEPTION_LINK_NOT_ALLOWED)
    if not _can_see_case(actor, case):
        raise XinfangError(ErrorCode.CASE_NOT_FOUND)
    if not reception_days_visible_to(actor).filter(pk=reception_day.pk).exists():
        raise XinfangError(ErrorCode.RECEPTION_DAY_NOT_FOUND)
    if case.channel != Channel.LEADER_RECEPTION:
        raise XinfangError(ErrorCode.RECEPTION_CASE_CHANNEL)
    if appointment is not None and appointment.reception_day_id != reception_day.pk:
        raise XinfangError(ErrorCode.APPOINTMENT_OTHER_DAY)
    with transaction.atomic():
        case = _lock_case(case)
        day = ReceptionDay.objects.select_for_update().get(pk=reception_day.pk)
        if day.status == ReceptionStatus.CANCELLED:
            raise XinfangError(ErrorCode.RECEPTION_DAY_CANCELLED)
        if day.date > timezone.localdate():
            raise XinfangError(ErrorCode.RECEPTION_DAY_FUTURE)
        existing = ReceptionDayCase.objects.filter(case=case).first()
        if existing is not None:
            if existing.reception_day_id == day.pk and appointment is None:
                return existing
            raise XinfangError(ErrorCode.RECEPTION_CASE_LINKED)
        if appointment is not None:
            appointment = ReceptionAppointment.objects.select_for_update().get(pk=appointment.pk)
            if appointment.case_id is not None:
                raise XinfangError(ErrorCode.APPOINTMENT_OTHER_DAY)
            appointment.case = case
            update = ["case"]
            if appointment.status == AppointmentStatus.BOOKED:
                # The visitor came: a case was registered for them.
                appointment.status = AppointmentStatus.ATTENDED
                appointment.outcome_by = actor
                appointment.outcome_at = clock.now()
                update += ["status", "outcome_by", "outcome_at"]
            appointment.save(update_fields=update)
        link = ReceptionDayCase.objects.create(
            reception_day=day, case=case, appointment=appointment, linked_by=actor
        )
        events.record_reception_linked(
            case, actor, day.pk, day.date.isoformat(), day.leader_id, appointment.pk if appointment else None
        )
        return link


# --- leader case ownership (领导包案) -------------------------------------------------------------


def do_assign_leader_case(
    *, actor: User, case: Case, leader: User, plan: str, target_date: date
) -> LeaderCase:
    """Give `case` to `leader` with a plan (化解方案) and a target date."""
    if not can_assign_leader_case(actor):
        raise XinfangError(ErrorCode.LEADER_CASE_ASSIGN_NOT_ALLOWED)
    if not _can_see_case(actor, case):
        raise XinfangError(ErrorCode.CASE_NOT_FOUND)
    if leader.role != Role.LEADER or not leader.is_active or not in_scope(actor, leader.organisation):
        raise XinfangError(ErrorCode.LEADER_CASE_LEADER_INVALID, field="leader")
    # The leader must see the case too: never a neighbour's, never an accusation against their unit.
    if not _can_see_case(leader, case):
        raise XinfangError(ErrorCode.LEADER_CASE_LEADER_CANNOT_SEE, field="leader")
    if not plan.strip():
        raise XinfangError(ErrorCode.LEADER_CASE_PLAN_REQUIRED, field="plan")
    if target_date < timezone.localdate():
        raise XinfangError(ErrorCode.LEADER_CASE_TARGET_PAST, field="target_date")
    with transaction.atomic():
        case = _lock_case(case)
        if LeaderCase.objects.filter(case=case, leader=leader, settled=False).exists():
            raise XinfangError(ErrorCode.LEADER_CASE_ALREADY_OPEN, field="leader")
        try:
            with transaction.atomic():
                leader_case = LeaderCase.objects.create(
                    case=case,
                    leader=leader,
                    assigned_by=actor,
                    assigned_at=clock.now(),
                    plan=plan.strip(),
                    target_date=target_date,
                )
        except IntegrityError:
            raise XinfangError(ErrorCode.LEADER_CASE_ALREADY_OPEN, field="leader") from None
        events.record_leader_assigned(
            case, actor, leader_case.pk, leader.pk, target_date.isoformat(), leader_case.plan
        )
        return leader_case


def _lock_open_leader_case(leader_case: LeaderCase) -> tuple[Case, LeaderCase]:
    """Lock the case, then the 包案 (always in this order), and refuse a settled one."""
    case = _lock_case(leader_case.case)
    locked = LeaderCase.objects.select_for_update().get(pk=leader_case.pk)
    if locked.settled:
        raise XinfangError(ErrorCode.LEADER_CASE_SETTLED)
    return case, locked


def do_record_leader_step(*, actor: User, leader_case: LeaderCase, text: str, on: date) -> LeaderCaseStep:
    """One step of the work (约见信访人、召开协调会 …) on the day it was done."""
    if not _can_see_case(actor, leader_case.case):
        raise XinfangError(ErrorCode.LEADER_CASE_NOT_FOUND)
    if not can_record_leader_step(actor, leader_case):
        raise XinfangError(ErrorCode.LEADER_CASE_STEP_NOT_ALLOWED)
    if not text.strip():
        raise XinfangError(ErrorCode.LEADER_CASE_STEP_TEXT_REQUIRED, field="text")
    if not timezone.localdate(leader_case.assigned_at) <= on <= timezone.localdate():
        raise XinfangError(ErrorCode.LEADER_CASE_STEP_DATE_INVALID, field="on")
    with transaction.atomic():
        case, locked = _lock_open_leader_case(leader_case)
        step = LeaderCaseStep.objects.create(leader_case=locked, on=on, text=text.strip(), recorded_by=actor)
        events.record_leader_step(case, actor, locked.pk, step.pk, on.isoformat(), step.text)
        return step


def do_mark_settled(*, actor: User, leader_case: LeaderCase, note: str) -> LeaderCase:
    """息访息诉: the petitioner has stopped; the 包案 is closed."""
    if not _can_see_case(actor, leader_case.case):
        raise XinfangError(ErrorCode.LEADER_CASE_NOT_FOUND)
    if not can_settle_leader_case(actor, leader_case):
        raise XinfangError(ErrorCode.LEADER_CASE_SETTLE_NOT_ALLOWED)
    if not note.strip():
        raise XinfangError(ErrorCode.LEADER_CASE_SETTLE_NOTE_REQUIRED, field="note")
    with transaction.atomic():
        case, locked = _lock_open_leader_case(leader_case)
        locked.settled = True
        locked.settled_at = clock.now()
        locked.settled_note = note.strip()
        locked.settled_by = actor
        locked.save(update_fields=["settled", "settled_at", "settled_note", "settled_by"])
        events.record_settled(case, actor, locked.pk, locked.leader_id, locked.settled_note)
        return locked
