"""Which part of the organisation tree a user works in.

A user's scope is their organisation's subtree, except that a petition
bureau answers for its whole jurisdiction: the territorial unit it belongs
to (a county bureau sees the county and everything under it).
"""

from django.db.models import QuerySet

from xinfang.orgs.models import Organisation, OrgKind, User


def scope_root(user: User) -> Organisation | None:
    org = user.organisation
    if org is None:
        return None
    if org.kind == OrgKind.PETITION_BUREAU and org.parent is not None:
        return org.parent
    return org


def orgs_in_scope(user: User) -> QuerySet[Organisation]:
    root = scope_root(user)
    if root is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(path__startswith=root.path)


def org_ids_in_scope(user: User) -> list[int]:
    return list(orgs_in_scope(user).values_list("id", flat=True))


def regions_in_scope(user: User) -> QuerySet[Organisation]:
    """Territorial units a user may name as the place of a matter."""
    from xinfang.orgs.models import TERRITORIAL_KINDS

    return orgs_in_scope(user).filter(kind__in=TERRITORIAL_KINDS)


def higher_body(org: Organisation) -> Organisation | None:
    """The body a decision of `org` is reviewed by: the nearest territorial unit above it.

    A department is reviewed by the government of its level (西湖区住建局 -> 西湖区), a
    township by its county, a county by its city (条例 Art.35–36: 本级人民政府或上一级)."""
    from xinfang.orgs.models import TERRITORIAL_KINDS

    current = org.parent
    while current is not None and current.kind not in TERRITORIAL_KINDS:
        current = current.parent
    return current


def discipline_body_for(user: User) -> Organisation | None:
    """The discipline inspection body (纪检监察) of the user's jurisdiction."""
    root = scope_root(user)
    if root is None:
        return None
    return (
        Organisation.objects.filter(kind=OrgKind.DISCIPLINE, path__startswith=root.path)
        .order_by("depth", "id")
        .first()
    )


def competent_territory(region: Organisation) -> Organisation:
    """The territorial level competent for a matter in `region`: its county (or the region itself
    when it is a county or above). Townships and villages are handled at the county."""
    from xinfang.orgs.models import OrgKind

    current = region
    while current.kind in (OrgKind.TOWNSHIP, OrgKind.VILLAGE) and current.parent is not None:
        current = current.parent
    return current


def is_skip_level(receiving_office: Organisation, place_region: Organisation) -> bool:
    """越级: received by an authority two or more territorial levels above the one competent for
    the matter (a county's matter at the province, a township's at the province)."""
    from xinfang.orgs.models import TERRITORIAL_KINDS, OrgKind

    receiving = receiving_office
    if receiving.kind == OrgKind.PETITION_BUREAU and receiving.parent is not None:
        receiving = receiving.parent
    while receiving.kind not in TERRITORIAL_KINDS and receiving.parent is not None:
        receiving = receiving.parent
    competent = competent_territory(place_region)
    if receiving.kind not in TERRITORIAL_KINDS or competent.kind not in TERRITORIAL_KINDS:
        return False
    levels = list(TERRITORIAL_KINDS)
    return levels.index(OrgKind(competent.kind)) - levels.index(OrgKind(receiving.kind)) >= 2
