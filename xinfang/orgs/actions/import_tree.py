"""Import the organisation tree from an Excel sheet (the format of orgs.tree_xlsx).

    do_import_tree(*, actor: User, stream: IO[bytes]) -> ImportReport

Only an ADMIN may import (XinfangError NOT_ALLOWED otherwise). A file that is
not an .xlsx, or lacks a required column, raises XinfangError
(IMPORT_FILE_INVALID / IMPORT_COLUMNS_MISSING) and changes nothing.

Otherwise every data row gets a TreeRowResult: created, updated, unchanged,
or rejected with the problems (ErrorCode + Chinese message) that stopped it.
The whole file is applied in one transaction; rejected rows are simply not
written. An organisation is identified by its parent's name path plus its
name, so rows may come in any order as long as each parent is in the file or
already in the database; an import never moves or renames an organisation.
An empty 信访件编号前缀 keeps the existing prefix (or lets a new one be
generated). Exporting and importing the same tree changes nothing.

An admin maintains only their scope (orgs.scoping.orgs_in_scope): a row may
update an organisation inside it (the scope root included: an import cannot
move it anyway) or create one whose parent is inside it; any other row is
rejected (ORG_OUT_OF_SCOPE).

Case numbers carry the prefix (cases.numbering), and a counter restarts at 1
for each office, so a prefix is never reused: an organisation that has issued
numbers (it has a CaseNumberCounter or received a case) keeps its prefix
(CASE_NUMBER_PREFIX_LOCKED), and a prefix found in an existing case number
(<prefix>-<yyyy>-<nnnnnn>) is given to no other unit
(CASE_NUMBER_PREFIX_IN_NUMBERS), besides being unique among current ones
(CASE_NUMBER_PREFIX_TAKEN).
"""

import re
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from django.db import transaction

from xinfang.cases.models import Case, CaseNumberCounter
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.core.xlsx import RowProblem, cell_text, read_sheet
from xinfang.orgs.models import Organisation, OrgKind, User
from xinfang.orgs.roles import CAN_ADMINISTER
from xinfang.orgs.scoping import orgs_in_scope, scope_root
from xinfang.orgs.tree_xlsx import (
    COL_AREA_CODE,
    COL_KIND,
    COL_NAME,
    COL_PARENT,
    COL_PREFIX,
    COL_REGION_CODE,
    PATH_SEPARATOR,
    name_paths,
)

RowStatus = Literal["created", "updated", "unchanged", "rejected"]
STATUS_LABELS: dict[str, str] = {
    "created": "新增",
    "updated": "更新",
    "unchanged": "无变化",
    "rejected": "未导入",
}
REQUIRED_COLUMNS = (COL_NAME, COL_KIND, COL_PARENT, COL_REGION_CODE)
OPTIONAL_COLUMNS = (COL_AREA_CODE, COL_PREFIX)

_REGION_CODE = re.compile(r"^\d{6}$")
_AREA_CODE = re.compile(r"^\d{1,12}$")
NAME_MAX = Organisation._meta.get_field("name").max_length or 100
PREFIX_MAX = Organisation._meta.get_field("case_number_prefix").max_length or 32


def _kind_aliases() -> dict[str, str]:
    """Each label, and each half of a label such as 乡镇/街道, names its kind."""
    aliases: dict[str, str] = {}
    for value, label in OrgKind.choices:
        for alias in str(label).split("/"):
            aliases.setdefault(alias, value)
        aliases[str(label)] = value
    return aliases


KIND_ALIASES = _kind_aliases()


@dataclass
class TreeRowResult:
    row: int
    path: str  # the organisation's name path, e.g. 浙江省 / 杭州市 / 西湖区
    status: RowStatus
    problems: list[RowProblem] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # column names that an update changed

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class ImportReport:
    rows: list[TreeRowResult]

    def _count(self, status: RowStatus) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def rejected(self) -> list[TreeRowResult]:
        return [row for row in self.rows if row.status == "rejected"]


@dataclass
class _Row:
    row: int
    name: str
    kind: str
    parent_text: str
    region_code: str
    area_code: str
    prefix: str
    problems: list[RowProblem]


def _split_path(text: str, *, loose: bool) -> str:
    """The canonical path for what a user typed: strictly " / "-separated, or (loose) any "/" or "›"."""
    parts = re.split(r"\s*[/›]\s*", text) if loose else text.split(PATH_SEPARATOR)
    return PATH_SEPARATOR.join(part.strip() for part in parts if part.strip())


def _parse(number: int, cells: tuple[Any, ...], columns: dict[str, int]) -> _Row:
    def value(column: str) -> str:
        index = columns.get(column)
        return cell_text(cells[index]) if index is not None and index < len(cells) else ""

    problems: list[RowProblem] = []
    name = value(COL_NAME)
    if not name:
        problems.append(RowProblem.of(XinfangError(ErrorCode.ORG_NAME_REQUIRED), COL_NAME))
    elif len(name) > NAME_MAX:
        problems.append(
            RowProblem.of(XinfangError(ErrorCode.IMPORT_TEXT_TOO_LONG, f"不超过{NAME_MAX}字"), COL_NAME)
        )
    elif "/" in name:
        problems.append(
            RowProblem.of(XinfangError(ErrorCode.IMPORT_ROW_INVALID, "名称中不能含有“/”"), COL_NAME)
        )
    kind_label = value(COL_KIND)
    kind = KIND_ALIASES.get(kind_label, "")
    if not kind:
        known = "、".join(str(label) for _, label in OrgKind.choices)
        detail = f"“{kind_label}”不是可用的类型；可用：{known}" if kind_label else f"请填写：{known}"
        problems.append(RowProblem.of(XinfangError(ErrorCode.ORG_KIND_UNKNOWN, detail), COL_KIND))
    region_code = value(COL_REGION_CODE)
    if not _REGION_CODE.match(region_code):
        problems.append(
            RowProblem.of(XinfangError(ErrorCode.REGION_CODE_FORMAT, region_code), COL_REGION_CODE)
        )
    area_code = value(COL_AREA_CODE)
    if area_code and not _AREA_CODE.match(area_code):
        problems.append(RowProblem.of(XinfangError(ErrorCode.AREA_CODE_FORMAT, area_code), COL_AREA_CODE))
    prefix = value(COL_PREFIX)
    if len(prefix) > PREFIX_MAX:
        problems.append(
            RowProblem.of(XinfangError(ErrorCode.IMPORT_TEXT_TOO_LONG, f"不超过{PREFIX_MAX}字"), COL_PREFIX)
        )
    return _Row(number, name, kind, value(COL_PARENT), region_code, area_code, prefix, problems)


def _columns(headers: dict[int, str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, header in headers.items():
        if header in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            columns.setdefault(header, index)
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise XinfangError(ErrorCode.IMPORT_COLUMNS_MISSING, "缺少：" + "、".join(missing))
    return columns


def _issued_numbers(org: Organisation) -> bool:
    """Whether case numbers carrying the organisation's prefix exist (or a counter has started)."""
    return (
        CaseNumberCounter.objects.filter(organisation=org).exists()
        or Case.objects.filter(receiving_org=org).exists()
    )


def _prefix_in_numbers(prefix: str, *, other_than: Organisation | None) -> bool:
    """Whether a case number <prefix>-<yyyy>-<nnnnnn> exists that `other_than` did not issue."""
    numbers = Case.objects.filter(number__regex=rf"^{re.escape(prefix)}-[0-9]{{4}}-[0-9]{{6}}$")
    if other_than is not None:
        numbers = numbers.exclude(receiving_org=other_than)
    return numbers.exists()


class _Importer:
    """Holds the tree as it grows during one import: organisations by name path, prefixes in use,
    and the ids of the organisations the actor may change."""

    def __init__(self, actor: User) -> None:
        # Every organisation, so that a row outside the scope is named as such rather than unknown.
        orgs = list(Organisation.objects.all())
        paths = name_paths(orgs)
        self.by_path: dict[str, Organisation] = {paths[org.pk]: org for org in orgs}
        self.scope_ids: set[int] = set(orgs_in_scope(actor).values_list("pk", flat=True))
        root = scope_root(actor)
        self.scope_path = paths.get(root.pk, root.name) if root is not None else ""
        self.prefix_owner: dict[str, int] = {
            org.case_number_prefix: org.pk for org in orgs if org.case_number_prefix
        }
        self.taken: dict[str, int] = {}  # path -> row that already took it in this file
        self.rejected_paths: dict[str, int] = {}

    def parent_path(self, row: _Row) -> str | None:
        """The canonical path of the row's parent if it exists now ("" for a top-level row), else None."""
        if not row.parent_text:
            return ""
        for loose in (False, True):
            path = _split_path(row.parent_text, loose=loose)
            if path in self.by_path:
                return path
        return None

    def reject_unresolved(self, row: _Row) -> TreeRowResult:
        strict = _split_path(row.parent_text, loose=False)
        loose = _split_path(row.parent_text, loose=True)
        parent_row = self.rejected_paths.get(strict) or self.rejected_paths.get(loose)
        detail = (
            f"“{strict}”所在的第{parent_row}行未导入" if parent_row else f"“{strict}”不在文件中也不在系统中"
        )
        problems = [
            *row.problems,
            RowProblem.of(XinfangError(ErrorCode.ORG_PARENT_UNKNOWN, detail), COL_PARENT),
        ]
        return self._rejected(row, PATH_SEPARATOR.join(p for p in (strict, row.name) if p), problems)

    def _rejected(self, row: _Row, path: str, problems: list[RowProblem]) -> TreeRowResult:
        self.rejected_paths.setdefault(path, row.row)
        self.taken.setdefault(path, row.row)
        return TreeRowResult(row=row.row, path=path, status="rejected", problems=problems)

    def apply(self, row: _Row, parent_path: str) -> TreeRowResult:
        path = f"{parent_path}{PATH_SEPARATOR}{row.name}" if parent_path else row.name
        problems = list(row.problems)
        if path in self.taken:
            detail = f"第{self.taken[path]}行已有同一单位"
            problems.append(RowProblem.of(XinfangError(ErrorCode.IMPORT_DUPLICATE_ROW, detail), COL_NAME))
        existing = self.by_path.get(path)
        parent = self.by_path[parent_path] if parent_path else None
        if not self._in_scope(existing, parent):
            problems.append(RowProblem.of(self._out_of_scope(existing, parent), COL_PARENT))
        else:
            problems.extend(self._prefix_problems(row, existing))
        if problems:
            return self._rejected(row, path, problems)
        self.taken[path] = row.row
        if existing is None:
            return self._create(row, path, parent)
        return self._update(row, path, existing)

    def _in_scope(self, existing: Organisation | None, parent: Organisation | None) -> bool:
        """An existing unit inside the scope, or a new one under a unit inside it."""
        if existing is not None:
            return existing.pk in self.scope_ids
        return parent is not None and parent.pk in self.scope_ids

    def _out_of_scope(self, existing: Organisation | None, parent: Organisation | None) -> XinfangError:
        if not self.scope_path:
            detail = "您的账号未关联单位"
        elif existing is None and parent is None:
            detail = f"不能新增顶级单位；您只能维护“{self.scope_path}”及其下级单位"
        else:
            detail = f"您只能维护“{self.scope_path}”及其下级单位"
        return XinfangError(ErrorCode.ORG_OUT_OF_SCOPE, detail)

    def _prefix_problems(self, row: _Row, existing: Organisation | None) -> list[RowProblem]:
        if not row.prefix or (existing is not None and existing.case_number_prefix == row.prefix):
            return []
        owner = self.prefix_owner.get(row.prefix)
        if owner is not None and (existing is None or owner != existing.pk):
            error = XinfangError(ErrorCode.CASE_NUMBER_PREFIX_TAKEN, row.prefix)
        elif existing is not None and _issued_numbers(existing):
            error = XinfangError(
                ErrorCode.CASE_NUMBER_PREFIX_LOCKED,
                f"现为“{existing.case_number_prefix}”，不能改为“{row.prefix}”；请清空此格或填写现有前缀",
            )
        elif _prefix_in_numbers(row.prefix, other_than=existing):
            error = XinfangError(ErrorCode.CASE_NUMBER_PREFIX_IN_NUMBERS, row.prefix)
        else:
            return []
        return [RowProblem.of(error, COL_PREFIX)]

    def _create(self, row: _Row, path: str, parent: Organisation | None) -> TreeRowResult:
        org = Organisation(
            name=row.name,
            kind=row.kind,
            parent=parent,
            region_code=row.region_code,
            area_code=row.area_code,
            case_number_prefix=row.prefix or None,
        )
        org.save()
        assert org.case_number_prefix
        if not row.prefix and _prefix_in_numbers(org.case_number_prefix, other_than=org):
            # A generated prefix (XF-<region>) that an earlier unit's case numbers still carry.
            org.case_number_prefix = f"XF-{org.region_code}-{org.pk}"
            org.save(update_fields=["case_number_prefix"])
        self.by_path[path] = org
        self.scope_ids.add(org.pk)  # its parent is inside the scope, so it is too
        self.prefix_owner[org.case_number_prefix] = org.pk
        return TreeRowResult(row=row.row, path=path, status="created")

    def _update(self, row: _Row, path: str, org: Organisation) -> TreeRowResult:
        wanted = {
            COL_KIND: ("kind", row.kind),
            COL_REGION_CODE: ("region_code", row.region_code),
            COL_AREA_CODE: ("area_code", row.area_code),
        }
        if row.prefix:  # empty keeps the prefix: case numbers already issued carry it
            wanted[COL_PREFIX] = ("case_number_prefix", row.prefix)
        changed = [column for column, (attr, value) in wanted.items() if getattr(org, attr) != value]
        if not changed:
            return TreeRowResult(row=row.row, path=path, status="unchanged")
        if COL_PREFIX in changed:
            if org.case_number_prefix:
                self.prefix_owner.pop(org.case_number_prefix, None)
            self.prefix_owner[row.prefix] = org.pk
        for column in changed:
            attr, value = wanted[column]
            setattr(org, attr, value)
        org.save()
        return TreeRowResult(row=row.row, path=path, status="updated", changed=changed)


def do_import_tree(*, actor: User, stream: IO[bytes]) -> ImportReport:
    if actor.role not in CAN_ADMINISTER:
        raise XinfangError(ErrorCode.NOT_ALLOWED)
    sheet = read_sheet(stream)
    columns = _columns(sheet.headers)
    pending = [_parse(number, cells, columns) for number, cells in sheet.rows]
    results: list[TreeRowResult] = []
    with transaction.atomic():
        importer = _Importer(actor)
        # Rows may list children before parents: each pass applies the rows whose
        # parent exists by now; a pass that applies nothing leaves only orphans.
        while pending:
            waiting = []
            for row in pending:
                parent_path = importer.parent_path(row)
                if parent_path is None:
                    waiting.append(row)
                else:
                    results.append(importer.apply(row, parent_path))
            if len(waiting) == len(pending):
                # Shallow rows first, so a grandchild can name its rejected parent's row.
                waiting.sort(key=lambda row: (row.parent_text.count("/"), row.row))
                results.extend(importer.reject_unresolved(row) for row in waiting)
                break
            pending = waiting
    results.sort(key=lambda result: result.row)
    return ImportReport(rows=results)
