"""The demo organisation tree: 浙江省 › 杭州市 › 西湖区 (full) and 余杭区 (small).

Region codes are real GB/T 2260 codes; the 9- and 12-digit statistical codes
of streets and communities are numbered in order, as a county's own list would be.
Every node is fetched or created by (parent, name), so running it again changes nothing.
"""

from dataclasses import dataclass, field

from xinfang.orgs.models import Organisation, OrgKind

PROVINCE = ("浙江省", "330000")
CITY = ("杭州市", "330100")
MAIN_COUNTY = ("西湖区", "330106")
SECOND_COUNTY = ("余杭区", "330110")

# Functional departments of the main county: (key, name). The key is how templates name them.
DEPARTMENTS: list[tuple[str, str]] = [
    ("housing", "住建局"),
    ("labour", "人社局"),
    ("land", "自然资源和规划局"),
    ("environment", "生态环境分局"),
    ("police", "公安分局"),
    ("education", "教育局"),
    ("health", "卫健局"),
    ("market", "市场监管局"),
    ("urban", "城管局"),
    ("transport", "交通运输局"),
]

# Streets and towns of 西湖区 with their communities and villages.
MAIN_TOWNSHIPS: list[tuple[str, list[str]]] = [
    ("北山街道", ["宝石社区", "北山街社区", "岳王路社区", "金沙港社区"]),
    ("西溪街道", ["西溪河下社区", "曙光社区", "黄龙社区"]),
    ("翠苑街道", ["翠苑一区社区", "翠苑二区社区", "翠苑三区社区", "学院路社区"]),
    ("古荡街道", ["古荡新村社区", "嘉绿苑社区", "华星社区", "马塍路社区"]),
    ("文新街道", ["文新社区", "德加社区", "益乐村社区"]),
    ("蒋村街道", ["蒋村花园社区", "文鼎苑社区", "深蓝社区", "五常港社区", "龙章社区"]),
    ("转塘街道", ["转塘社区", "长埭村", "双流村", "大诸桥村"]),
    ("三墩镇", ["三墩社区", "绕城村", "华联村", "灯彩村", "兰里社区"]),
]

SECOND_TOWNSHIPS: list[tuple[str, list[str]]] = [
    ("仓前街道", ["仓前社区", "连具塘村", "太炎社区"]),
    ("闲林街道", ["闲林社区", "和睦村", "方家山村"]),
]


@dataclass
class CountyTree:
    county: Organisation
    bureau: Organisation
    discipline: Organisation
    court: Organisation | None = None
    departments: dict[str, Organisation] = field(default_factory=dict)
    townships: list[Organisation] = field(default_factory=list)
    # Villages and communities by the id of their township.
    villages: dict[int, list[Organisation]] = field(default_factory=dict)


@dataclass
class DemoTree:
    province: Organisation
    city: Organisation
    city_bureau: Organisation
    main: CountyTree
    second: CountyTree


def _node(
    parent: Organisation | None, name: str, kind: str, region_code: str, area_code: str = ""
) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        parent=parent, name=name, defaults={"kind": kind, "region_code": region_code, "area_code": area_code}
    )
    return org


def _county(
    city: Organisation, name: str, code: str, townships: list[tuple[str, list[str]]], *, full: bool
) -> CountyTree:
    county = _node(city, name, OrgKind.COUNTY, code)
    tree = CountyTree(
        county=county,
        bureau=_node(county, "信访局", OrgKind.PETITION_BUREAU, code),
        discipline=_node(county, "纪委监委", OrgKind.DISCIPLINE, code),
    )
    if full:
        tree.court = _node(county, "人民法院", OrgKind.COURT, code)
        for key, dept_name in DEPARTMENTS:
            tree.departments[key] = _node(county, dept_name, OrgKind.DEPARTMENT, code)
    for t_index, (township_name, village_names) in enumerate(townships, start=1):
        township_code = f"{code}{t_index:03d}"
        township = _node(county, township_name, OrgKind.TOWNSHIP, code, township_code)
        tree.townships.append(township)
        tree.villages[township.pk] = [
            _node(township, village_name, OrgKind.VILLAGE, code, f"{township_code}{v_index:03d}")
            for v_index, village_name in enumerate(village_names, start=1)
        ]
    return tree


def ensure_demo_tree() -> DemoTree:
    """Create what is missing of the demo tree and return all of it."""
    province = _node(None, PROVINCE[0], OrgKind.PROVINCE, PROVINCE[1])
    city = _node(province, CITY[0], OrgKind.CITY, CITY[1])
    city_bureau = _node(city, "信访局", OrgKind.PETITION_BUREAU, CITY[1])
    main = _county(city, *MAIN_COUNTY, MAIN_TOWNSHIPS, full=True)
    second = _county(city, *SECOND_COUNTY, SECOND_TOWNSHIPS, full=False)
    return DemoTree(province=province, city=city, city_bureau=city_bureau, main=main, second=second)
