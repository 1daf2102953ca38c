"""The organisation tree as an Excel sheet: export, and the sheet format the import reads.

    export_tree(stream: IO[bytes], root: Organisation | None) -> int
        Writes one sheet "单位" to the binary `stream` (a file opened "wb", a
        BytesIO, or an HttpResponse) and returns the number of organisations
        written. `root=None` exports the whole tree; otherwise `root` and
        everything under it. Parents always come before their children.

The import is the action `xinfang.orgs.actions.import_tree.do_import_tree`.

Columns (COLUMNS): 名称, 类型, 上级, 行政区划代码, 统计用区划代码, 信访件编号前缀.
类型 is the Chinese label of OrgKind (省, 市, 县/区 …). 上级 is the parent's
path of names from the top of the tree, joined by " / " (浙江省 / 杭州市 /
西湖区), because names repeat across the tree (every county has a 信访局).
An organisation is identified by its parent's path plus its name.
"""

from collections.abc import Iterable
from typing import IO

from xinfang.core.xlsx import header_row, new_write_only_workbook, text_cell
from xinfang.orgs.models import Organisation, OrgKind

PATH_SEPARATOR = " / "
COL_NAME = "名称"
COL_KIND = "类型"
COL_PARENT = "上级"
COL_REGION_CODE = "行政区划代码"
COL_AREA_CODE = "统计用区划代码"
COL_PREFIX = "信访件编号前缀"
COLUMNS = (COL_NAME, COL_KIND, COL_PARENT, COL_REGION_CODE, COL_AREA_CODE, COL_PREFIX)

KIND_BY_LABEL: dict[str, str] = {str(label): value for value, label in OrgKind.choices}
LABEL_BY_KIND: dict[str, str] = {value: str(label) for value, label in OrgKind.choices}


def name_chains(orgs: Iterable[Organisation]) -> dict[int, list[str]]:
    """Each organisation's names from the top of the tree down to itself, by id.

    One extra query loads the ancestors that are not among `orgs`.
    """
    by_id = {org.pk: org for org in orgs}
    missing = {ancestor for org in by_id.values() for ancestor in org.ancestor_ids()} - by_id.keys()
    names = {org.pk: org.name for org in by_id.values()}
    if missing:
        names.update(Organisation.objects.filter(pk__in=missing).values_list("pk", "name"))
    return {org.pk: [names.get(ancestor, "?") for ancestor in org.ancestor_ids()] for org in by_id.values()}


def name_paths(orgs: Iterable[Organisation]) -> dict[int, str]:
    """Each organisation's path of names ("浙江省 / 杭州市 / 西湖区"), by id."""
    return {pk: PATH_SEPARATOR.join(chain) for pk, chain in name_chains(orgs).items()}


def export_tree(stream: IO[bytes], root: Organisation | None) -> int:
    orgs = Organisation.objects.order_by("path")
    if root is not None:
        orgs = orgs.filter(path__startswith=root.path)
    # A parent's path is a prefix of its children's, so ordering by path puts parents first.
    org_list = list(orgs)
    chains = name_chains(org_list)
    workbook, sheet = new_write_only_workbook("单位")
    sheet.append(header_row(sheet, COLUMNS))
    for org in org_list:
        sheet.append(
            [
                text_cell(sheet, org.name),
                text_cell(sheet, LABEL_BY_KIND.get(org.kind, org.kind)),
                text_cell(sheet, PATH_SEPARATOR.join(chains[org.pk][:-1])),
                text_cell(sheet, org.region_code),
                text_cell(sheet, org.area_code),
                text_cell(sheet, org.case_number_prefix or ""),
            ]
        )
    workbook.save(stream)
    return len(org_list)
