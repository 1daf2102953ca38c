"""The only way callers obtain cases. Lists, detail pages, exports, search and
attachment downloads all start from `cases_visible_to` or `access_case`.

A user sees a case when its receiving office or its responsible unit lies in
the user's scope (orgs.scoping). Accusations (检举控告) are never visible to
the accused unit or anyone inside it (条例 Art.30), whatever their scope.
"""

from django.db.models import Q, QuerySet

from xinfang.cases.models import Attachment, Case, Category
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.models import User
from xinfang.orgs.scoping import org_ids_in_scope


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not user.is_authenticated or user.organisation_id is None or not user.is_active:
        return Case.objects.none()
    assert user.organisation is not None
    scope = org_ids_in_scope(user)
    visible = Case.objects.filter(Q(receiving_org_id__in=scope) | Q(responsible_org_id__in=scope))
    # The accused unit and its sub-units must never see an accusation against it.
    return visible.exclude(category=Category.ACCUSATION, accused_org_id__in=user.organisation.ancestor_ids())


def access_case(user: User, case_id: int | str) -> Case:
    """The case, or CASE_NOT_FOUND: missing and forbidden look the same, so ids cannot be probed."""
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.CASE_NOT_FOUND) from None
    case = cases_visible_to(user).filter(pk=pk).first()
    if case is None:
        raise XinfangError(ErrorCode.CASE_NOT_FOUND)
    return case


def access_case_by_number(user: User, number: str) -> Case:
    case = cases_visible_to(user).filter(number=number).first()
    if case is None:
        raise XinfangError(ErrorCode.CASE_NOT_FOUND)
    return case


def access_attachment(user: User, attachment_id: int | str) -> Attachment:
    try:
        pk = int(attachment_id)
    except (TypeError, ValueError):
        raise XinfangError(ErrorCode.CASE_NOT_FOUND) from None
    attachment = Attachment.objects.filter(pk=pk, case__in=cases_visible_to(user)).first()
    if attachment is None:
        raise XinfangError(ErrorCode.CASE_NOT_FOUND)
    return attachment
