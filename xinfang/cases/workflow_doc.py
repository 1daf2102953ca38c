"""docs/workflow.md, generated from the transition table so the page cannot drift from the code.

    .venv/bin/xinfang workflow doc > docs/workflow.md

A test compares the committed page with this output. Pure: no Django.
"""

from xinfang.cases import states
from xinfang.deadlines import rules

ROLE_LABELS = {
    states.REGISTRAR: "登记员",
    states.HANDLER: "承办人",
    states.UNIT_HEAD: "单位负责人",
    states.SUPERVISOR: "督查员",
    states.LEADER: "领导",
    states.PETITIONER: "信访人（网上）",
}
BODY_LABELS = {
    states.RECEIVING: "登记机关",
    states.RESPONSIBLE: "责任单位（未转送前为登记机关）",
    states.REVIEWING: "复查/复核机关",
    states.ANY_IN_SCOPE: "可查看该事项的单位",
}


def _clocks(codes: tuple[str, ...]) -> str:
    return "、".join(rules.BY_CODE[code].label for code in codes) or "—"


def render() -> str:
    lines = [
        "# Workflow (generated)",
        "",
        "Generated from `xinfang/cases/states.py` by `xinfang workflow doc`; do not edit by hand.",
        "Each row is one transition: who may take it (role and acting body), from which statuses,",
        "to which status, and which statutory clocks it starts, stops, extends, pauses or resumes.",
        "",
        "## Statuses",
        "",
        "| status | 状态 | group |",
        "|---|---|---|",
    ]
    for status in states.Status:
        group = "FINISHED" if status in states.FINISHED else "OPEN"
        lines.append(f"| `{status.value}` | {states.LABELS[status]} | {group} |")
    lines += [
        "",
        "## Transitions",
        "",
        "| code | 操作 | from | to | roles | acting body | starts | stops | extends / pauses / resumes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for t in states.TRANSITIONS:
        sources = "、".join(states.LABELS[s] for s in sorted(t.sources))
        roles = "、".join(ROLE_LABELS[r] for r in sorted(t.roles))
        other = "；".join(
            f"{name} {_clocks(codes)}"
            for name, codes in (("延长", t.extends), ("暂停", t.pauses), ("恢复", t.resumes))
            if codes
        )
        lines.append(
            f"| `{t.code}` | {t.label} | {sources} | {states.LABELS[t.target]} | {roles} | "
            f"{BODY_LABELS[t.body]} | {_clocks(t.starts)} | {_clocks(t.stops)} | {other or '—'} |"
        )
    lines += ["", "## Clocks", "", "| code | 期限 | days | unit | article |", "|---|---|---|---|---|"]
    for period in rules.PERIODS:
        days = f"≤ {period.days}" if period.at_most else str(period.days)
        if period.set_by_office:
            days = f"set by the office (default {period.days})"
        unit = "个工作日" if period.unit == "working" else "日"
        lines.append(f"| `{period.code}` | {period.label} | {days} | {unit} | {period.article} |")
    return "\n".join(lines) + "\n"
