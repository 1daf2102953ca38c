"""The built-in template of each kind, generated in code with python-docx.

The layout follows the usual shape of a Chinese official document (after GB/T
9704, simplified): A4, title centred in 方正小标宋简体 二号, body in 仿宋_GB2312
三号 at a fixed 28 pt line, headings in 黑体, document number under the title,
issuing body and date at the bottom right. CJK font names are set through
w:eastAsia (python-docx's font name covers Latin text only), and the font table
names a fallback for each (宋体, 仿宋, 黑体) for machines without the 方正/GB2312
fonts. An administrator downloads one of these, edits it in Word or WPS and
uploads it as the kind's template (models.DocumentTemplate).
"""

import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.styles.style import ParagraphStyle
from lxml import etree

from xinfang.documents.kinds import DocumentKind

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
# Font table fallbacks (w:altName): what Word or LibreOffice uses when the named font is missing.
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei", "宋体": "SimSun"}
GB2312_CHARSET = "86"  # hexadecimal in OOXML: 0x86, GB2312_CHARSET
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
INDENT = Pt(32)  # two characters of body text


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class FactTable:
    """A two-column table of the case's particulars (slips sent to another body)."""

    rows: tuple[tuple[str, str], ...]


Block = str | Heading | FactTable

_RECEIVED = "你（们）于{{received_date}}提出的“{{title}}”信访事项"
_CASE_ROWS = (
    ("信访件编号", "{{case_number}}"),
    ("信访人", "{{petitioner_names}}"),
    ("收到日期", "{{received_date}}"),
    ("问题发生地", "{{place}}"),
    ("事项", "{{title}}"),
    ("信访诉求", "{{request}}"),
)
_DECISION_BLOCKS: tuple[Block, ...] = (
    Heading("一、信访诉求"),
    "{{request}}",
    Heading("二、查明事实"),
    "{{facts_found}}",
    Heading("三、理由及处理意见"),
    "{{reasons}}",
    "{{decision}}",
    Heading("四、法律政策依据"),
    "{{legal_basis}}",
)

LAYOUTS: dict[DocumentKind, tuple[str, tuple[Block, ...]]] = {
    DocumentKind.ACCEPTANCE_NOTICE: (
        "信访事项受理告知书",
        (
            f"{_RECEIVED}收悉。经审查，该事项符合受理条件，本机关决定予以受理，由{{{{handling_org}}}}负责办理。",
            "依照《信访工作条例》第三十四条规定，办理机关将自受理之日起60日内办结，并向你（们）出具"
            "信访处理意见书；情况复杂的，经批准可以适当延长办理期限，延长期限不超过30日，并告知延期理由。",
            "{{notes}}",
            "特此告知。",
        ),
    ),
    DocumentKind.REJECTION_NOTICE: (
        "信访事项不予受理告知书",
        (
            f"{_RECEIVED}收悉。你（们）的诉求是：{{{{request}}}}",
            "经审查，该事项不予受理。理由如下：{{reason}}",
            "依照《信访工作条例》第三十一条规定，请你（们）通过以下途径依法解决：{{correct_route}}",
            "{{notes}}",
            "特此告知。",
        ),
    ),
    DocumentKind.REFUSAL_NOTICE: (
        "信访事项不再受理告知书",
        (
            f"{_RECEIVED}收悉。",
            "经审查，你（们）反映的事项已经复核终结（{{final_decision_ref}}）。依照《信访工作条例》"
            "第三十六条规定，信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，不再受理。",
            "{{notes}}",
            "特此告知。",
        ),
    ),
    DocumentKind.TRANSFER_SLIP: (
        "信访事项转送单",
        (
            "现将下列信访事项转送你单位，请依照《信访工作条例》第二十三条规定，自收到之日起15日内决定"
            "是否受理并书面告知信访人；不属于你单位职责范围的，请自收到之日起5个工作日内说明理由退回。",
            FactTable((*_CASE_ROWS, ("办理要求", "{{requirements}}"))),
        ),
    ),
    DocumentKind.ASSIGNMENT_SLIP: (
        "信访事项交办单",
        (
            "现将下列信访事项交办你单位，请依法依规办理，并于{{report_due_date}}前将办理结果报送本机关"
            "（《信访工作条例》第二十二条）。",
            FactTable((*_CASE_ROWS, ("办理要求", "{{requirements}}"), ("报送期限", "{{report_due_date}}"))),
        ),
    ),
    DocumentKind.REMINDER: (
        "信访事项催办单",
        (
            "你单位承办的下列信访事项，请抓紧办理：{{demand}}",
            "请于{{answer_by_date}}前将办理情况书面报告本机关。",
            FactTable(_CASE_ROWS),
        ),
    ),
    DocumentKind.SUPERVISION_NOTICE: (
        "信访事项督办单",
        (
            "你单位承办的下列信访事项，经督查存在以下问题：{{problems}}",
            "督办要求：{{demand}}",
            "请于{{answer_by_date}}前将落实情况书面报告本机关。本机关将依照《信访工作条例》有关规定跟踪督办。",
            FactTable(_CASE_ROWS),
        ),
    ),
    DocumentKind.EXTENSION_NOTICE: (
        "信访事项延期办理告知书",
        (
            f"{_RECEIVED}，本机关正在办理。因{{{{reason}}}}，经本机关负责人批准，依照《信访工作条例》"
            "第三十四条规定，该事项的办理期限延长至{{new_due_date}}。",
            "特此告知。",
        ),
    ),
    DocumentKind.REPLY: (
        "信访处理意见书",
        (
            f"{_RECEIVED}，本机关已依法受理并办理完毕。现将处理意见告知如下：",
            *_DECISION_BLOCKS,
            "{{review_notice}}",
        ),
    ),
    DocumentKind.REVIEW_DECISION: (
        "信访事项复查意见书",
        (
            "你（们）对“{{title}}”信访事项的处理意见不服，请求复查。本机关依照《信访工作条例》第三十五条"
            "规定进行了复查，现将复查意见告知如下：",
            *_DECISION_BLOCKS,
            "{{re_review_notice}}",
        ),
    ),
    DocumentKind.RE_REVIEW_DECISION: (
        "信访事项复核意见书",
        (
            "你（们）对“{{title}}”信访事项的复查意见不服，请求复核。本机关依照《信访工作条例》第三十六条"
            "规定进行了复核，现将复核意见告知如下：",
            *_DECISION_BLOCKS,
            "本复核意见为该信访事项的最终处理意见。依照《信访工作条例》第三十六条规定，信访人对复核意见"
            "不服，仍然以同一事实和理由提出投诉请求的，不再受理。",
        ),
    ),
    DocumentKind.CONCLUSION_REPORT: (
        "信访事项办结报告",
        (
            "你单位交办的下列信访事项已办理完毕，现将办理情况报告如下：",
            FactTable((*_CASE_ROWS[:2], ("交办文号", "{{assignment_ref}}"), *_CASE_ROWS[4:])),
            Heading("一、办理过程"),
            "{{process}}",
            Heading("二、办理结果"),
            "{{result}}",
            Heading("三、信访人意见"),
            "{{petitioner_opinion}}",
            "特此报告。",
        ),
    ),
}


@lru_cache(maxsize=len(DocumentKind))
def default_template(kind: str) -> bytes:
    """The built-in .docx of a kind (bytes, so the cached value cannot be changed)."""
    title, blocks = LAYOUTS[DocumentKind(kind)]
    document = docx.Document()
    _page_setup(document)
    _styles(document)
    document.core_properties.title = title
    document.core_properties.author = "信访工作平台"

    document.add_paragraph(title, style="Document Title")
    _plain_line(document, "{{document_number}}", WD_ALIGN_PARAGRAPH.CENTER)
    _plain_line(document, "信访件编号：{{case_number}}", WD_ALIGN_PARAGRAPH.RIGHT)
    _plain_line(document, "{{addressee}}：", WD_ALIGN_PARAGRAPH.LEFT)
    for block in blocks:
        if isinstance(block, Heading):
            document.add_paragraph(block.text, style="Document Heading")
        elif isinstance(block, FactTable):
            _fact_table(document, block)
        else:
            document.add_paragraph(block)
    document.add_paragraph()
    _plain_line(document, "{{issuing_org}}", WD_ALIGN_PARAGRAPH.RIGHT)
    _plain_line(document, "{{issue_date}}", WD_ALIGN_PARAGRAPH.RIGHT)

    out = io.BytesIO()
    document.save(out)
    return _with_font_fallbacks(out.getvalue())


def _page_setup(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin = section.right_margin = Cm(2.8)


def _styles(document: Document) -> None:
    _defaults_to_chinese(document)
    normal = document.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _cjk_font(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.first_line_indent = INDENT
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)

    title = document.styles.add_style("Document Title", WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(title, ParagraphStyle)
    title.base_style = normal
    _cjk_font(title, TITLE_FONT, TITLE_SIZE, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(14)

    heading = document.styles.add_style("Document Heading", WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(heading, ParagraphStyle)
    heading.base_style = normal
    _cjk_font(heading, HEADING_FONT, BODY_SIZE)


def _defaults_to_chinese(document: Document) -> None:
    """python-docx's blank document declares English/Japanese and theme fonts by default; a
    theme font would win over the fonts named below, and the language decides CJK line
    breaking and which fallback font is chosen."""
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        # A justified line ending in a line break (a multi-line value) is not stretched.
        compat.insert(0, compat.makeelement(qn("w:doNotExpandShiftReturn"), {}))
    rpr = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts.set(qn(attr), BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _cjk_font(style: ParagraphStyle, name: str, size: Pt, *, bold: bool = False) -> None:
    style.font.name = name  # w:ascii and w:hAnsi
    style.font.size = size
    style.font.bold = bold
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _plain_line(document: Document, text: str, alignment: WD_ALIGN_PARAGRAPH) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.alignment = alignment
    paragraph.paragraph_format.first_line_indent = Pt(0)
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = INDENT


def _fact_table(document: Document, block: FactTable) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Cm(3.4), Cm(12))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the table grid, which LibreOffice reads
    for label, value in block.rows:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, (label, value), widths, strict=True):
            cell.width = width
            cell.text = text
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.add_paragraph()


def _with_font_fallbacks(content: bytes) -> bytes:
    """Name a fallback for each CJK font in word/fontTable.xml (rewritten in the zip, since
    python-docx keeps that part as opaque bytes)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/fontTable.xml":
                data = _font_table_with_fallbacks(data)
            target.writestr(item, data)
    return out.getvalue()


def _font_table_with_fallbacks(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for name, fallback in FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): fallback})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): GB2312_CHARSET})
        etree.SubElement(font, qn("w:family"), {qn("w:val"): "auto"})
        etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "variable"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
