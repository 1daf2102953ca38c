"""The periodic report (月度/季度/年度信访工作情况) as a Word document a leader can sign.

Every figure comes from the same `counting.statistics` and `assessment.assess` the pages
show for the same period and user, so the report and the statistics page cannot disagree.
Sections: 一、总体情况 (the sentences offices write, with 同比 and 环比), 二、信访事项分布
(tables by topic, region and channel, a bar chart and a twelve-month trend), 三、热点问题
(clusters of similar petitions in one place, from the hot-spot finder, with their main requests),
四、各单位办理情况 (the assessment table), 五、下一步工作 (what the figures call for).
"""

import io
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import docx
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from xinfang.analysis.interfaces import Hotspot, Message
from xinfang.analysis.registry import backend
from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import IN_PERSON_CHANNELS
from xinfang.cases.selectors import ledger_cases
from xinfang.core.clock import chinese_date, now
from xinfang.orgs.models import User
from xinfang.stats.assessment import RATE_LABELS, Assessment, assess
from xinfang.stats.charts import bar_chart, cjk_font, trend_chart
from xinfang.stats.counting import Scope, Statistics, statistics
from xinfang.stats.hotspots import TIME_FORMAT, case_messages
from xinfang.stats.periods import Period, PeriodKind, month, rate_text

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
TREND_MONTHS = 12
HOTSPOTS_IN_REPORT = 5
TABLE_ROWS = 10


@dataclass
class ReportData:
    office: str
    period: Period
    stats: Statistics
    assessment: Assessment
    hotspots: list[Hotspot]
    trend: list[tuple[str, int, int]]  # month label, cases, visit persons
    # Per hot spot (by rank): what its cases are about and who handles them, for the cause analysis.
    hotspot_profiles: dict[int, str] = field(default_factory=dict)


def overview_sentences(stats: Statistics) -> list[str]:
    """一、总体情况, in the words of a petition office's report."""
    h = stats.headline
    total = h["total"]
    sentences = [
        f"{stats.period.label}，共登记信访事项{total.value}件，同比{total.yoy.words}，环比{total.mom.words}。"
    ]
    visits, persons = h["visit_batches"], h["visit_persons"]
    visit_sentence = f"接待群众来访{visits.value}批(次)、{persons.value}人(次)"
    if visits.last_year or persons.last_year:
        visit_sentence += f"，同比分别{visits.yoy.words}和{persons.yoy.words}"
    else:
        visit_sentence += "，上年同期无来访"
    collective, collective_persons = h["collective_batches"], h["collective_persons"]
    visit_sentence += f"。其中集体访{collective.value}批(次)、{collective_persons.value}人(次)"
    if collective.last_year:
        visit_sentence += f"，同比分别{collective.yoy.words}和{collective_persons.yoy.words}"
    skip, skip_persons = h["skip_level_batches"], h["skip_level_persons"]
    if skip.value or skip.last_year:
        visit_sentence += f"；越级访{skip.value}批(次)、{skip_persons.value}人(次)"
    sentences.append(visit_sentence + "。")
    pieces = []
    for key, name in (
        ("channel_letter", "来信"),
        ("channel_phone", "来电"),
        ("channel_web", "网上信访"),
        ("channel_email", "电子邮件"),
        ("channel_fax", "传真"),
        ("channel_handed_down", "上级交办、转送"),
    ):
        figure = h[key]
        if figure.value or figure.last_year:
            pieces.append(f"{name}{figure.value}件，同比{figure.yoy.words}")
    if pieces:
        sentences.append("；".join(pieces) + "。")
    repeat = h["repeat"]
    share = rate_text(round(100 * repeat.value / total.value, 1) if total.value else None)
    sentences.append(f"重复信访{repeat.value}件，占{share}。")
    return sentences


def monthly_trend(user: User, scope: Scope, period: Period) -> list[tuple[str, int, int]]:
    """Cases and visit persons per month for the twelve months up to the period's end."""
    end = month(period.end.year, period.end.month)
    months = [end]
    while len(months) < TREND_MONTHS:
        months.insert(0, months[0].previous())
    cases = ledger_cases(
        user, scope.ledger_filter(Period(PeriodKind.RANGE, months[0].start, end.end))
    ).order_by()
    by_month = (
        cases.annotate(month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(
            cases=Count("id"),
            persons=Sum("head_count", filter=Q(channel__in=IN_PERSON_CHANNELS)),
        )
    )
    counted = {
        (row["month"].year, row["month"].month): [row["cases"], int(row["persons"] or 0)] for row in by_month
    }
    return [
        (f"{m.start.year % 100:02d}年{m.start.month}月", *counted.get((m.start.year, m.start.month), [0, 0]))
        for m in months
    ]


def _hotspot_messages(user: User, scope: Scope, period: Period) -> list[Message]:
    return case_messages(ledger_cases(user, scope.ledger_filter(period)))[0]


def _find_hotspots(messages: list[Message], period: Period) -> list[Hotspot]:
    if not messages:
        return []
    end = datetime.combine(period.end, datetime.max.time()).strftime(TIME_FORMAT)
    finder = backend("hotspots")
    return list(finder.hotspots(messages, now=end, window_days=max(1, period.days), top=HOTSPOTS_IN_REPORT))


def report_data(user: User, scope: Scope, period: Period) -> ReportData:
    """The report's figures. The hot-spot finder works on the texts (CPU) in a thread while this
    thread's queries run in the database, so the report costs about the longer of the two."""
    messages = _hotspot_messages(user, scope, period)
    with ThreadPoolExecutor(max_workers=1) as pool:
        hotspots = pool.submit(_find_hotspots, messages, period)
        stats = statistics(user, scope, period)
        assessment = assess(user, period)
        trend = monthly_trend(user, scope, period)
        found = hotspots.result()
        return ReportData(
            office=user.organisation.full_name if user.organisation else "",
            period=period,
            stats=stats,
            assessment=assessment,
            hotspots=found,
            trend=trend,
            hotspot_profiles=hotspot_profiles(user, found),
        )


def hotspot_profiles(user: User, spots: list[Hotspot]) -> dict[int, str]:
    """For each hot spot: the kind of problem its cases were classified as, how many were repeat
    petitions, and the units handling them — the facts a cause analysis starts from."""
    numbers = {number for spot in spots for number in spot.ids}
    if not numbers:
        return {}
    rows = {
        number: (topic, repeat, unit)
        for number, topic, repeat, unit in cases_visible_to(user)
        .filter(number__in=numbers)
        .values_list("number", "topic__parent__parent__name", "is_repeat", "responsible_org__name")
    }
    profiles = {}
    for spot in spots:
        found = [rows[number] for number in spot.ids if number in rows]
        if not found:
            continue
        topic, topic_count = Counter(topic for topic, _, _ in found).most_common(1)[0]
        units = [unit for unit, _ in Counter(unit for _, _, unit in found if unit).most_common(2)]
        repeats = sum(1 for _, repeat, _ in found if repeat)
        text = f"从分类看，{topic_count}件属“{topic}”类问题"
        if repeats:
            text += f"，其中重复信访{repeats}件，说明前期答复未能化解"
        text += f"；目前由{'、'.join(units)}办理。" if units else "；尚未确定责任单位。"
        profiles[spot.rank] = text
    return profiles


def _set_font(run, name: str, size: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _paragraph(
    document,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 16,
    bold: bool = False,
    centre: bool = False,
    indent: bool = True,
):  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph()
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.line_spacing = Pt(28)
    _set_font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _table(document, headers: list[str], rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _set_font(cell.paragraphs[0].add_run(header), HEADING_FONT, 10.5)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _set_font(cell.paragraphs[0].add_run(value), BODY_FONT, 10.5)


def _breakdown_table(document, stats: Statistics, dimension: str, title: str) -> None:  # type: ignore[no-untyped-def]
    rows = stats.breakdowns[dimension][:TABLE_ROWS]
    total = stats.headline["total"].value
    _table(
        document,
        [title, "件数", "占比", "同比"],
        [
            [
                row.label,
                str(row.cases),
                rate_text(round(100 * row.cases / total, 1) if total else None),
                row.yoy.text,
            ]
            for row in rows
        ],
    )


def render_report(data: ReportData) -> bytes:
    document = docx.Document()
    for section in document.sections:
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    stats = data.stats
    _paragraph(
        document, f"{data.office}{data.period.label}信访工作情况报告", font=TITLE_FONT, size=22, centre=True
    )
    _paragraph(
        document,
        f"（{chinese_date(data.period.start)}至{chinese_date(data.period.end)}）",
        size=14,
        centre=True,
    )

    _paragraph(document, "一、总体情况", font=HEADING_FONT, indent=True)
    for sentence in overview_sentences(stats):
        _paragraph(document, sentence)

    _paragraph(document, "二、信访事项分布", font=HEADING_FONT)
    topics = stats.breakdowns["topic"]
    if topics:
        leading = "、".join(f"{row.label}{row.cases}件" for row in topics[:3])
        _paragraph(document, f"从反映的问题看，排在前列的是{leading}。")
        document.add_picture(
            io.BytesIO(bar_chart("按内容分类", [r.label for r in topics[:8]], [r.cases for r in topics[:8]])),
            width=Cm(15),
        )
    _paragraph(document, "（一）按内容分类", size=14, indent=False)
    _breakdown_table(document, stats, "topic", "内容分类")
    _paragraph(document, "（二）按问题发生地", size=14, indent=False)
    _breakdown_table(document, stats, "region", "问题发生地")
    _paragraph(document, "（三）按信访形式", size=14, indent=False)
    _breakdown_table(document, stats, "channel", "信访形式")
    if data.trend:
        labels = [label for label, _, _ in data.trend]
        document.add_picture(
            io.BytesIO(
                trend_chart(
                    "近十二个月信访量",
                    labels,
                    {"信访件数": [c for _, c, _ in data.trend], "来访人次": [p for _, _, p in data.trend]},
                )
            ),
            width=Cm(15),
        )

    _paragraph(document, "三、热点问题及原因分析", font=HEADING_FONT)
    if data.hotspots:
        for spot in data.hotspots:
            terms = "、".join(spot.terms[:5])
            text = f"{spot.rank}. {spot.summary}"
            if terms:
                text += f"主要诉求集中在{terms}等方面"
                text += "，呈上升趋势，需重点关注。" if spot.early_warning else "。"
            profile = data.hotspot_profiles.get(spot.rank)
            if profile:
                text += profile
            _paragraph(document, text)
    else:
        _paragraph(document, "本期未发现同一地点相似信访事项集中反映的情况。")

    _paragraph(document, "四、各单位办理情况", font=HEADING_FONT)
    units = sorted(data.assessment.units, key=lambda figures: figures.unit.path)
    if units:
        keys = ("acceptance", "on_time", "participation", "satisfaction", "repeat")
        _table(
            document,
            ["单位", *(RATE_LABELS[key] for key in keys), "超期件数"],
            [
                [
                    figures.unit.full_name,
                    *(rate_text(figures.rates[key]) for key in keys),
                    str(figures.overdue),
                ]
                for figures in units
            ],
        )
        overdue = [figures for figures in units if figures.overdue]
        if overdue:
            names = "、".join(f"{f.unit.full_name}{f.overdue}件" for f in overdue[:5])
            _paragraph(document, f"超期办理的有：{names}，已纳入督查督办。")
    else:
        _paragraph(document, "本期无需考核的单位办理事项。")

    _paragraph(document, "五、下一步工作", font=HEADING_FONT)
    for sentence in next_steps(data):
        _paragraph(document, sentence)
    _paragraph(document, f"{data.office}", indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(
        document, chinese_date(timezone.localdate(now())), indent=False
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if cjk_font() is None:
        _paragraph(
            document, "（注：本机未安装中文字体，图表中的文字可能无法显示。）", size=10.5, indent=False
        )
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def next_steps(data: ReportData) -> list[str]:
    """What the figures call for, one sentence each (only where a figure calls for it)."""
    steps = []
    h = data.stats.headline
    if h["collective_batches"].value:
        steps.append("加强集体访的源头排查和化解，落实领导包案，防止矛盾激化。")
    if h["repeat"].value:
        steps.append("对重复信访事项逐件复核答复口径，推动案结事了、息诉罢访。")
    if any(figures.overdue for figures in data.assessment.units):
        steps.append("对超期单位加大催办督办力度，确保按期办结。")
    if data.hotspots:
        steps.append("针对热点问题会同责任单位研究解决措施，做好政策解释和舆情引导。")
    steps.append("持续规范信访事项受理办理，提高及时受理率、按期办结率和群众满意率。")
    return steps


def report_filename(period: Period) -> str:
    return f"report-{period.start:%Y%m%d}-{period.end:%Y%m%d}.docx"
