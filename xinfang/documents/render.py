"""Fill `{{name}}` placeholders in a .docx: body, tables, text boxes, headers and footers.

Word splits text into runs wherever formatting, spell-checking or an edit
history says so, so `{{case_number}}` may arrive as `{{`, `case_`, `number}}`.
A paragraph's runs are read as one text; a placeholder is written into the run
where it starts (keeping that run's formatting), the runs it spanned give up
their share of it, and text after it stays in its own run. Values are plain
text: lxml escapes them; a multi-line value fills a paragraph of its own as one
paragraph per line, or else breaks the line; characters XML cannot hold are
dropped.
"""

import io
import re
from collections.abc import Iterator
from copy import deepcopy

import docx
from docx.document import Document
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.oxml.text.run import CT_R
from lxml import etree

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_ANY_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_UNCLOSED = re.compile(r"\{\{[^}]{0,20}|[^{]{0,20}\}\}")
# XML 1.0 forbids most control characters; a pasted value may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_UNIQUE_IDS = (f"{{{_W14}}}paraId", f"{{{_W14}}}textId")
_TEXT_ROOTS = {qn("w:document"), qn("w:hdr"), qn("w:ftr")}
# Runs that belong to the paragraph itself (not to a text box nested inside one of its runs).
_OWN_RUNS = (
    "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r"
    " | ./w:sdt/w:sdtContent/w:r | ./w:fldSimple/w:r"
)


def render_docx(template_bytes: bytes, values: dict[str, str]) -> bytes:
    """The template with every `{{name}}` whose name is in `values` replaced; others are left."""
    document = docx.Document(io.BytesIO(template_bytes))
    clean = {name: _plain(value) for name, value in values.items()}
    for paragraph in _paragraphs(document):
        _fill(paragraph, clean)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def placeholders_in(template_bytes: bytes) -> set[str]:
    """Every placeholder in the document as written between the braces (trimmed), plus any
    half-written one (`{{case_number}`), so a check can name what it does not know."""
    document = docx.Document(io.BytesIO(template_bytes))
    found: set[str] = set()
    for paragraph in _paragraphs(document):
        text = "".join(run.text for run in _runs(paragraph))
        found.update(inner.strip() for inner in _ANY_PLACEHOLDER.findall(text))
        leftover = _ANY_PLACEHOLDER.sub("", text)
        found.update(fragment.strip() for fragment in _UNCLOSED.findall(leftover))
    return found


def _plain(value: str) -> str:
    return _NOT_XML.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))


def _paragraphs(document: Document) -> Iterator[etree._Element]:
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart) and part.element.tag in _TEXT_ROOTS:
            # A list first: filling a paragraph changes the tree being walked.
            yield from list(part.element.iter(qn("w:p")))


def _runs(paragraph: etree._Element) -> list[CT_R]:
    return paragraph.xpath(_OWN_RUNS)  # type: ignore[no-any-return]


def _fill(paragraph: etree._Element, values: dict[str, str]) -> None:
    runs = _runs(paragraph)
    text = "".join(run.text for run in runs)
    if "{{" not in text:
        return
    matches = [match for match in PLACEHOLDER.finditer(text) if match.group(1) in values]
    if len(matches) == 1 and text.strip() == matches[0].group(0):
        name = matches[0].group(1)
        opening, *more = values[name].split("\n")
        # A paragraph that is only a placeholder becomes one paragraph per line, each with
        # the paragraph's own indent; a placeholder inside a sentence gets line breaks.
        anchor = paragraph
        for line in more:
            copy = _copy_paragraph(paragraph)
            anchor.addnext(copy)
            _fill(copy, {name: line})
            anchor = copy
        values = {name: opening}
    # Last first: text before a placeholder keeps its offsets while later ones are filled.
    for match in reversed(matches):
        texts = [run.text for run in runs]
        starts = [sum(len(t) for t in texts[:i]) for i in range(len(texts))]
        first = _run_at(starts, texts, match.start())
        last = _run_at(starts, texts, match.end() - 1)
        head = texts[first][: match.start() - starts[first]]
        tail = texts[last][match.end() - starts[last] :]
        value = values[match.group(1)]
        if first == last:
            runs[first].text = head + value + tail
            continue
        runs[first].text = head + value
        for middle in runs[first + 1 : last]:
            if middle.text:  # a run without text may hold a picture or a field mark: leave it
                middle.text = ""
        runs[last].text = tail


def _copy_paragraph(paragraph: etree._Element) -> etree._Element:
    """A copy without the ids Word expects to be unique (paragraph ids, bookmarks)."""
    copy = deepcopy(paragraph)
    for attribute in _UNIQUE_IDS:
        copy.attrib.pop(attribute, None)
    for mark in copy.xpath("./w:bookmarkStart | ./w:bookmarkEnd"):
        copy.remove(mark)
    return copy


def _run_at(starts: list[int], texts: list[str], offset: int) -> int:
    for index in range(len(texts) - 1, -1, -1):
        if starts[index] <= offset < starts[index] + len(texts[index]):
            return index
    raise AssertionError("offset outside the paragraph's runs")
