"""The complete file (案卷) of a case as one ZIP: an index, the case record, every document,
every attachment, the deadlines, and the hash-chained history.

Personal data goes in masked, as in lists: the full values stay encrypted in the database
(an archive on disk must not become a clear copy of them). Every file in the ZIP is listed
in the index with its SHA-256, so a reader can check that nothing was changed.
"""

import csv
import hashlib
import html
import io
import json
import zipfile
from typing import Any

from django.utils import timezone

from xinfang.cases.events import KIND_LABELS
from xinfang.cases.models import Case
from xinfang.cases.uploads import storage_path
from xinfang.deadlines import rules


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _case_record(case: Case) -> dict[str, Any]:
    return {
        "编号": case.number,
        "标题": case.title,
        "状态": case.status_label,
        "信访形式": case.get_channel_display(),
        "收到时间": _local(case.received_at),
        "登记单位": case.receiving_org.full_name,
        "责任单位": case.responsible_org.full_name if case.responsible_org else "",
        "问题性质": case.get_category_display(),
        "内容分类": case.topic.full_name,
        "问题发生地": f"{case.place_region.name} {case.place_address}".strip(),
        "被反映人/单位": case.accused,
        "人数": case.head_count,
        "事实与理由": case.facts,
        "信访诉求": case.request,
        "信访人": [
            {
                "身份": party.get_role_display(),
                "姓名": "匿名" if party.petitioner.is_anonymous else party.petitioner.name,
                "身份证号": party.petitioner.id_number_mask,
                "电话": party.petitioner.phone_masks,
                "住址": party.petitioner.address_mask,
            }
            for party in case.parties.select_related("petitioner").prefetch_related("petitioner__phones")
        ],
        "并入事项": case.merged_into.number if case.merged_into else "",
        "归档时间": _local(case.archived_at),
    }


def _history(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "seq": event.seq,
            "kind": event.kind,
            "label": KIND_LABELS.get(event.kind, event.kind),
            "actor": str(event.actor) if event.actor else "系统",
            "at": _local(event.at),
            "data": event.data,
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        }
        for event in case.events.select_related("actor").order_by("seq")
    ]


def _deadlines_csv(case: Case) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["期限", "依据", "起算日", "截止日期", "延长天数", "暂停天数", "结束日", "按期"])
    for deadline in case.deadlines.order_by("id"):
        period = rules.BY_CODE.get(deadline.kind)
        on_time = deadline.met_on_time
        writer.writerow(
            [
                period.label if period else deadline.kind,
                period.article if period else "",
                deadline.started_on,
                deadline.due_on,
                deadline.extended_days,
                deadline.paused_days,
                deadline.closed_on or "",
                "" if on_time is None else ("是" if on_time else "否"),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()  # BOM: Excel opens Chinese CSV correctly


def build_archive(case: Case) -> tuple[bytes, int]:
    """The ZIP's bytes and how many files it holds (the index included)."""
    from xinfang.documents.models import CaseDocument

    files: list[tuple[str, str, bytes]] = []  # (path in the ZIP, description, content)
    record = json.dumps(_case_record(case), ensure_ascii=False, indent=2).encode()
    files.append(("案件信息.json", "登记信息（个人信息已脱敏）", record))
    for document in CaseDocument.objects.filter(case=case).order_by("issued_at", "id"):
        name = f"文书/{document.number}.docx".replace("〔", "[").replace("〕", "]")
        files.append((name, f"{document.get_kind_display()} {document.number}", bytes(document.content)))
    for attachment in case.attachments.all():
        content = storage_path(attachment.storage_name).read_bytes()
        files.append((f"附件/{attachment.pk}-{attachment.original_name}", "附件", content))
    files.append(("期限.csv", "各环节期限及是否按期", _deadlines_csv(case)))
    history = json.dumps(_history(case), ensure_ascii=False, indent=2).encode()
    files.append(("办理过程.json", "办理过程（逐条链式哈希）", history))

    rows = [
        (path, description, hashlib.sha256(content).hexdigest(), len(content))
        for path, description, content in files
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, _, content in files:
            archive.writestr(path, content)
        archive.writestr("目录.html", _index_html(case, rows))
        index_csv = io.StringIO()
        writer = csv.writer(index_csv)
        writer.writerow(["文件", "说明", "SHA-256", "字节"])
        writer.writerows(rows)
        archive.writestr("目录.csv", ("\ufeff" + index_csv.getvalue()).encode())
    return buffer.getvalue(), len(files) + 2


def _index_html(case: Case, rows: list[tuple[str, str, str, int]]) -> str:
    lines = "\n".join(
        f"<tr><td>{html.escape(path)}</td><td>{html.escape(description)}</td>"
        f"<td><code>{digest}</code></td><td>{size}</td></tr>"
        for path, description, digest, size in rows
    )
    return (
        '<!doctype html><html lang="zh-Hans"><meta charset="utf-8">'
        f"<title>{html.escape(case.number)} 案卷目录</title>"
        f"<h1>{html.escape(case.number)} {html.escape(case.title)}</h1>"
        f"<p>归档时间：{_local(case.archived_at)}。个人信息已脱敏，完整信息以系统加密存储为准。</p>"
        "<table border=1 cellpadding=4><tr><th>文件</th><th>说明</th><th>SHA-256</th><th>字节</th></tr>"
        f"{lines}</table></html>"
    )
