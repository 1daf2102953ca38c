"""Reads of leader work for a user, and the permission-checked getters (`access_*`).

Reception days belong to an organisation: a user sees those held in their
scope, and a leader also the days they receive at. Anything that touches a
case (the cases registered at a day, an appointment's case, every 包案) starts
from `cases_visible_to`, so a neighbour's cases and an accusation against the
user's own unit never show.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone

from xinfang.cases.access import cases_visible_to
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.leaders.models import (
    LeaderCase,
    ReceptionAppointment,
    ReceptionDay,
    ReceptionDayCase,
    ReceptionStatus,
)
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.roles import Role
from xinfang.orgs.scoping import orgs_in_scope, scope_root

# How far back the registration form offers reception days (a case is often
# registered a few days after the leader received the visitor).
RECENT_RECEPTION_DAYS = 30


def in_scope(user: User, organisation: Organisation | None) -> bool:
    root = scope_root(user)
    return root is not None and organisation is not None and organisation.path.startswith(root.path)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.organisation_id is not None)


# --- reception days --------------------------------------------------------------------------------


def reception_days_visible_to(user: User) -> QuerySet[ReceptionDay]:
    if not _active(user):
        return ReceptionDay.objects.none()
    return ReceptionDay.objects.filter(Q(organisation__in=orgs_in_scope(user)) | Q(leader=user))


def access_reception_day(user: User, day_id: int | str) -> ReceptionDay:
    try:
        pk = int(day_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.RECEPTION_DAY_NOT_FOUND) from None
    day = reception_days_visible_to(user).select_related("organisation", "leader").filter(pk=pk).first()
    if day is None:
        raise XinfangError(ErrorCode.RECEPTION_DAY_NOT_FOUND)
    return day


def access_appointment(user: User, appointment_id: int | str) -> ReceptionAppointment:
    try:
        pk = int(appointment_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.APPOINTMENT_NOT_FOUND) from None
    appointment = (
        ReceptionAppointment.objects.select_related("reception_day")
        .filter(pk=pk, reception_day__in=reception_days_visible_to(user))
        .first()
    )
    if appointment is None:
        raise XinfangError(ErrorCode.APPOINTMENT_NOT_FOUND)
    return appointment


def upcoming_reception_days(user: User) -> QuerySet[ReceptionDay]:
    today = timezone.localdate()
    return (
        reception_days_visible_to(user)
        .filter(date__gte=today, status=ReceptionStatus.PLANNED)
        .select_related("organisation", "leader")
        .annotate(appointment_count=Count("appointments"))
        .order_by("date", "day_part", "id")
    )


def past_reception_days(user: User) -> QuerySet[ReceptionDay]:
    """Days already gone, held or cancelled (newest first)."""
    today = timezone.localdate()
    return (
        reception_days_visible_to(user)
        .filter(Q(date__lt=today) | ~Q(status=ReceptionStatus.PLANNED))
        .select_related("organisation", "leader")
        .annotate(
            appointment_count=Count("appointments", distinct=True),
            # Only cases the user may see are counted: a count can reveal a hidden accusation too.
            case_count=Count(
                "linked_cases",
                filter=Q(linked_cases__case__in=cases_visible_to(user)),
                distinct=True,
            ),
        )
        .order_by("-date", "day_part", "-id")
    )


def reception_days_for_registration(user: User) -> QuerySet[ReceptionDay]:
    """The days of the registrar's office (its scope) a case may be registered at: recent ones and today."""
    if not _active(user):
        return ReceptionDay.objects.none()
    today = timezone.localdate()
    return (
        ReceptionDay.objects.filter(
            organisation__in=orgs_in_scope(user),
            date__range=(today - timedelta(days=RECENT_RECEPTION_DAYS), today),
        )
        .exclude(status=ReceptionStatus.CANCELLED)
        .select_related("leader")
        .order_by("-date", "day_part", "id")
    )


def appointments_of(user: User, day: ReceptionDay) -> list[ReceptionAppointment]:
    """The day's appointments; `visible_case` is the registered case only if the user may see it.

    An appointment whose case the user may not see is `withheld`: its visitor and matter
    could name an accuser to the accused unit (条例 Art.30), e.g. the day's own leader."""
    appointments = list(day.appointments.select_related("case").order_by("booked_at", "id"))
    case_ids = [a.case_id for a in appointments if a.case_id]
    visible = set(cases_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    for appointment in appointments:
        appointment.withheld = appointment.case_id is not None and appointment.case_id not in visible  # type: ignore[attr-defined]
        appointment.visible_case = appointment.case if appointment.case_id in visible else None  # type: ignore[attr-defined]
    return appointments


def cases_of_reception_day(user: User, day: ReceptionDay) -> QuerySet[ReceptionDayCase]:
    return (
        ReceptionDayCase.objects.filter(reception_day=day, case__in=cases_visible_to(user))
        .select_related("case", "appointment")
        .order_by("linked_at", "id")
    )


def reception_leader_choices(user: User) -> QuerySet[User]:
    """Leaders who may receive at a day the user arranges: those in the user's scope, and
    those above it (a county leader receiving at a township: 领导下访)."""
    root = scope_root(user)
    if root is None:
        return User.objects.none()
    return (
        User.objects.filter(role=Role.LEADER, is_active=True)
        .filter(Q(organisation__in=orgs_in_scope(user)) | Q(organisation_id__in=root.ancestor_ids()))
        .select_related("organisation")
        .order_by("organisation__path", "full_name", "username")
    )


# --- leader case ownership (领导包案) -------------------------------------------------------------


def leader_cases_visible_to(user: User) -> QuerySet[LeaderCase]:
    return LeaderCase.objects.filter(case__in=cases_visible_to(user))


def access_leader_case(user: User, leader_case_id: int | str) -> LeaderCase:
    try:
        pk = int(leader_case_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.LEADER_CASE_NOT_FOUND) from None
    leader_case = (
        leader_cases_visible_to(user)
        .select_related("case", "leader", "assigned_by", "settled_by")
        .filter(pk=pk)
        .first()
    )
    if leader_case is None:
        raise XinfangError(ErrorCode.LEADER_CASE_NOT_FOUND)
    return leader_case


def leader_case_leader_choices(user: User) -> QuerySet[User]:
    """Leaders the user may give a case to: active leaders of the user's scope."""
    if not _active(user):
        return User.objects.none()
    return (
        User.objects.filter(role=Role.LEADER, is_active=True, organisation__in=orgs_in_scope(user))
        .select_related("organisation")
        .order_by("organisation__path", "full_name", "username")
    )


@dataclass
class BoardFilter:
    leader_id: int | None = None
    settled: bool | None = None
    only_mine: bool = False


# Board order: unsettled past their target date, then unsettled, then settled.
OVERDUE, OPEN, SETTLED = 0, 1, 2


def leader_board(user: User, filters: BoardFilter) -> QuerySet[LeaderCase]:
    today = timezone.localdate()
    rows = leader_cases_visible_to(user)
    if filters.only_mine:
        rows = rows.filter(leader=user)
    if filters.leader_id:
        rows = rows.filter(leader_id=filters.leader_id)
    if filters.settled is not None:
        rows = rows.filter(settled=filters.settled)
    return (
        rows.select_related("case", "leader")
        .annotate(
            step_count=Count("steps"),
            last_step_on=Max("steps__on"),
            urgency=SqlCase(
                When(settled=False, target_date__lt=today, then=Value(OVERDUE)),
                When(settled=False, then=Value(OPEN)),
                default=Value(SETTLED),
                output_field=IntegerField(),
            ),
        )
        .order_by("urgency", "target_date", "-id")
    )
