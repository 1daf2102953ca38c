"""What the generator may refer to: offices with their registrar, places, units and topics, as ids.

Loaded once from the database, so generating cases needs no further queries
and the generator itself stays pure (same catalogue + seed ⇒ same cases).
"""

from dataclasses import dataclass

from xinfang.cases.models import Topic
from xinfang.demo import templates
from xinfang.demo.tree import CountyTree, DemoTree
from xinfang.orgs.models import User


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    township_id: int
    township_name: str
    is_village_level: bool
    county_name: str


@dataclass(frozen=True)
class County:
    name: str
    bureau_id: int
    discipline_id: int
    departments: dict[str, int]
    department_names: dict[str, str]


@dataclass(frozen=True)
class Office:
    """A receiving office: where petitions are registered, by whom, and where their matters happen."""

    org_id: int
    registrar_id: int
    county: County
    places: tuple[Place, ...]
    weight: int


@dataclass(frozen=True)
class Catalogue:
    offices: tuple[Office, ...]
    topics: dict[str, int]


def _county(tree: CountyTree) -> County:
    return County(
        name=tree.county.name,
        bureau_id=tree.bureau.pk,
        discipline_id=tree.discipline.pk,
        departments={key: org.pk for key, org in tree.departments.items()},
        department_names={key: org.full_name for key, org in tree.departments.items()},
    )


def _places(tree: CountyTree, township_ids: set[int] | None = None) -> tuple[Place, ...]:
    places: list[Place] = []
    for township in tree.townships:
        if township_ids is not None and township.pk not in township_ids:
            continue
        county = tree.county.name
        places.append(Place(township.pk, township.name, township.pk, township.name, False, county))
        places += [
            Place(v.pk, v.name, township.pk, township.name, True, county) for v in tree.villages[township.pk]
        ]
    return tuple(places)


def load_topics() -> dict[str, int]:
    """Ids of every topic the templates name; a missing one means migration cases.0004 did not run."""
    wanted = {m.topic for m in templates.APPEALS + templates.SUGGESTIONS + templates.ACCUSATIONS}
    found = dict(Topic.objects.filter(level=3, full_name__in=wanted).values_list("full_name", "id"))
    missing = wanted - set(found)
    if missing:
        raise LookupError(f"内容分类缺失（请先执行 migrate）：{'、'.join(sorted(missing))}")
    return found


def build_catalogue(tree: DemoTree, users: dict[str, User]) -> Catalogue:
    """Most petitions reach the 西湖区 bureau; a street office and 余杭区 register some of their own."""
    main, second = _county(tree.main), _county(tree.second)
    street = users["township"].organisation
    assert street is not None
    offices = (
        Office(tree.main.bureau.pk, users["registrar"].pk, main, _places(tree.main), 70),
        Office(street.pk, users["township"].pk, main, _places(tree.main, {street.pk}), 12),
        Office(tree.second.bureau.pk, users["yuhang"].pk, second, _places(tree.second), 18),
    )
    return Catalogue(offices=offices, topics=load_topics())
