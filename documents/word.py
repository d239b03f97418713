"""The programme, the resolution and the minutes as Word files (DOCX), in the PDFs' official layout
(DOMAIN.md §4.2), so that a party office can finish its related papers in Word.

A Word file states exactly what the PDF states: it is rendered from the same source (`minutes.pdf_source`, or
the draft the minutes page shows) through the same template (`pdf.render_html`), and this module only lays
the template's few elements out again with python-docx: the two-column header, the title, the body, the
tables and the signature block, in Times New Roman 14 on A4 with the official margins. No sentence is
written twice, so the two files cannot drift apart.

Every Word file is marked in its page header, on every page: a copy of an adopted (or issued) document says
that the original is the PDF, so the lock keeps its meaning; the draft minutes say they are a draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import html as lxml_html

from meetings.models import Meeting

from . import minutes, pdf
from .models import GeneratedPdf

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
SIZE = 14  # pt, the body (DOMAIN.md §4.2)
LINE = 20  # pt, exact line spacing, as the PDF's (HD 05: 18–22 pt)
# The PDF's @page (templates/documents/_styles.html): A4, top 20, right 15, bottom 20, left 30 mm.
PAGE = {"width": 210, "height": 297, "top": 20, "right": 15, "bottom": 20, "left": 30}
TEXT_WIDTH = PAGE["width"] - PAGE["left"] - PAGE["right"]  # mm

# The minutes' draft is written from the opening of the meeting until its adoption (minutes.save_notes).
DRAFT_STATUSES = (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED)


def source_for(meeting: Meeting, kind: str) -> dict:
    """What the Word file is rendered from: the PDF's own source (the adopted version of the minutes, the
    record for the resolution and the programme), or, for minutes not yet adopted, the draft the minutes page
    shows. Raises ValidationError when there is nothing to render (no draft before the meeting opens)."""
    if kind == GeneratedPdf.Kind.MINUTES and minutes.latest_version(meeting) is None:
        if meeting.status not in DRAFT_STATUSES:
            raise ValidationError(_("The draft minutes are written from the opening of the meeting."))
        return {"minutes": minutes.assemble(meeting), "draft": True}
    return minutes.pdf_source(meeting, kind)


def is_draft(source: dict) -> bool:
    return bool(source.get("draft"))


def mark_for(kind: str, source: dict) -> str:
    """The line in the page header: a draft, or a copy whose original is the PDF."""
    if is_draft(source):
        return _("Draft — not adopted")
    if kind == GeneratedPdf.Kind.PROGRAMME:  # issued when the agenda is published, never voted on
        return _("Copy — the original is the issued PDF")
    return _("Copy — the original is the adopted PDF")


def render_docx(kind: str, source: dict) -> bytes:
    """The document `kind` (a GeneratedPdf.Kind) as a DOCX file, from the source its PDF is rendered from."""
    page = lxml_html.document_fromstring(pdf.render_html(kind, source))
    with translation.override("vi"):
        mark = mark_for(kind, source)
        title = " ".join(page.findtext(".//title", default="").split())
    document = _blank_document()
    _page_header(document, mark)
    _Layout(document).flow(page.body, document, {})
    if document.element.body[-2].tag == qn("w:tbl"):  # Word wants a paragraph after the last table
        document.add_paragraph()
    doc = source.get("minutes", source)
    properties = document.core_properties
    properties.title = title
    properties.subject = mark
    properties.author = properties.last_modified_by = doc.get("cell", "")
    properties.language = "vi-VN"
    properties.created = properties.modified = timezone.now()
    properties.revision = 1
    out = BytesIO()
    document.save(out)
    return out.getvalue()


# --- The page ---------------------------------------------------------------------------------------------


def _blank_document():
    """A4 with the official margins; Times New Roman 14 at an exact 20 pt line in every style, Vietnamese."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE["width"]), Mm(PAGE["height"])
    section.top_margin, section.bottom_margin = Mm(PAGE["top"]), Mm(PAGE["bottom"])
    section.left_margin, section.right_margin = Mm(PAGE["left"]), Mm(PAGE["right"])
    section.header_distance = Mm(8)
    # The document defaults name theme fonts (Calibri), which win over a style's own font: name ours there.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(run_defaults)
    lang = run_defaults.find(qn("w:lang"))
    if lang is not None:
        run_defaults.remove(lang)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")  # Word checks the spelling in Vietnamese
    run_defaults.append(lang)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(SIZE)
    _fonts(normal.element.get_or_add_rPr())
    shape = normal.paragraph_format
    shape.space_before = shape.space_after = Pt(0)
    shape.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    shape.line_spacing = Pt(LINE)
    return document


def _fonts(rpr) -> None:
    """Times New Roman for every script slot (Vietnamese letters fall in more than one), no theme font."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _page_header(document, mark: str) -> None:
    """The mark on every page; the page number from page 2, centred at the top, as the PDF has it."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    for header in (section.first_page_header, section.header):
        header.is_linked_to_previous = False
        line = header.paragraphs[0]
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = line.add_run(mark)
        run.italic = True
        run.font.size = Pt(12)
    number = section.header.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page = OxmlElement("w:fldSimple")  # Word fills in the page's number
    page.set(qn("w:instr"), "PAGE")
    shown = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    shown.append(text)
    page.append(shown)
    number._p.append(page)


# --- The template's elements, laid out again ----------------------------------------------------------------

CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "table", "ul", "ol", "li", "section", "article"}
SKIPPED = {"img", "svg", "script", "style", "head", "title", "hr", "input", "meta", "link"}
# What the PDF's stylesheet (templates/documents/_styles.html) says of each tag and class. Keys: align, bold,
# italic, underline, upper (text-transform), size and line (pt), before and after (pt), indent (first line)
# and left (mm), keep (with the next paragraph).
TAGS = {
    "p": {"align": JUSTIFY, "indent": 10, "after": 6},
    "h1": {"align": CENTER, "bold": True, "upper": True, "size": 16, "before": 14, "keep": True},
    "h2": {"align": CENTER, "bold": True, "keep": True},
    "h3": {"bold": True, "before": 10, "after": 4, "keep": True},
    "li": {"left": 10, "after": 2},
    "th": {"bold": True, "align": CENTER},
    "strong": {"bold": True},
    "b": {"bold": True},
    "em": {"italic": True},
    "i": {"italic": True},
    "u": {"underline": True},
}
CLASSES = {
    "superior": {"upper": True},
    "issuer": {"upper": True, "bold": True},
    "party": {"upper": True, "bold": True, "size": 15, "underline": True},  # the rule under the heading
    "place-date": {"italic": True},
    "dashes": {"align": CENTER, "after": 10},
    "flat": {"indent": 0},
    "comment": {"indent": 0, "left": 10, "after": 4},
    "hash": {"size": 9, "line": 11, "before": 14, "indent": 0, "align": LEFT},
    "sign-title": {"bold": True, "upper": True},
    "sign-name": {"bold": True, "before": 60},
    "recipients": {"align": LEFT, "size": 12, "line": 15},
}
TABLE_CELLS = {
    "header": {"align": CENTER, "line": 18},
    "signatures": {"align": CENTER},
    "list": {"size": 13, "line": 17, "align": LEFT},
}
CELL_WIDTHS = {"left": 0.45, "right": 0.55}  # td.left, td.right: the header's columns
INHERITED = {"align", "bold", "italic", "underline", "upper", "size", "line"}
RUN_KEYS = ("bold", "italic", "underline", "upper", "size")


def _style_of(element) -> dict:
    style = dict(TAGS.get(element.tag, {}))
    for name in element.classes:
        style.update(CLASSES.get(name, {}))
    return style


def _events(element, style: dict):
    """The element's content in order: ("text", text, run style), ("br",) and ("block", child)."""
    if element.text:
        yield "text", element.text, style
    for child in element:
        if isinstance(child.tag, str) and child.tag not in SKIPPED:
            if child.tag in BLOCKS:
                yield "block", child
            elif child.tag == "br":
                yield ("br",)
            else:
                yield from _events(child, style | _style_of(child))
        if child.tail:
            yield "text", child.tail, style


@dataclass
class _Paragraph:
    """Inline content gathered for one paragraph, its white space collapsed as a browser does."""

    paragraph: object
    style: dict
    parts: list = field(default_factory=list)

    def add(self, event) -> None:
        if event[0] == "br":
            self.parts.append(None)
        else:
            self.parts.append((re.sub(r"\s+", " ", event[1]), event[2]))

    def finish(self) -> None:
        parts, line_start = [], True
        for part in self.parts:
            if part is None:
                self._trim_end(parts)
                parts.append(None)
                line_start = True
                continue
            text, style = part
            if line_start or (parts and parts[-1] is not None and parts[-1][0].endswith(" ")):
                text = text.lstrip(" ")
            if text:
                parts.append((text, style))
                line_start = False
        self._trim_end(parts)
        _shape(self.paragraph, self.style)
        for part in parts:
            if part is None:
                self.paragraph.add_run().add_break()
            else:
                _run(self.paragraph, *part)

    @staticmethod
    def _trim_end(parts) -> None:
        while parts and parts[-1] is not None:
            text = parts[-1][0].rstrip(" ")
            if text:
                parts[-1] = (text, parts[-1][1])
                return
            parts.pop()


def _shape(paragraph, style: dict) -> None:
    shape = paragraph.paragraph_format
    shape.alignment = style.get("align", LEFT)
    if style.get("indent"):
        shape.first_line_indent = Mm(style["indent"])
    if style.get("left"):
        shape.left_indent = Mm(style["left"])
    shape.space_before = Pt(style.get("before", 0))
    shape.space_after = Pt(style.get("after", 0))
    if style.get("line", LINE) != LINE:
        shape.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        shape.line_spacing = Pt(style["line"])
    if style.get("keep"):
        shape.keep_with_next = True


def _run(paragraph, text: str, style: dict) -> None:
    run = paragraph.add_run(text.upper() if style.get("upper") else text)
    if style.get("bold"):
        run.bold = True
    if style.get("italic"):
        run.italic = True
    if style.get("underline"):
        run.underline = True
    if style.get("size", SIZE) != SIZE:
        run.font.size = Pt(style["size"])


class _Layout:
    def __init__(self, document):
        self.document = document
        self.fresh_cells: set = set()  # cells whose own first paragraph is still unused

    def paragraph(self, container):
        """A new paragraph in the document or a table cell: a cell's first is the one it was made with."""
        cell = getattr(container, "_tc", None)
        if cell is not None and cell in self.fresh_cells:
            self.fresh_cells.discard(cell)
            return container.paragraphs[0]
        return container.add_paragraph()

    def flow(self, element, container, style: dict) -> None:
        """The element's inline content as paragraphs of `style`, its blocks each in their own."""
        current = None
        for event in _events(element, {key: value for key, value in style.items() if key in RUN_KEYS}):
            if event[0] == "block":
                if current:
                    current.finish()
                    current = None
                self.block(event[1], container, style)
                continue
            if current is None:
                if event[0] == "text" and not event[1].strip():
                    continue  # the white space between two blocks
                current = _Paragraph(self.paragraph(container), style)
            current.add(event)
        if current:
            current.finish()

    def block(self, element, container, inherited: dict) -> None:
        if element.tag == "table":
            self.table(element, container)
            return
        style = {key: value for key, value in inherited.items() if key in INHERITED} | _style_of(element)
        self.flow(element, container, style)

    def table(self, element, container) -> None:
        rows = [row.xpath("./td|./th") for row in element.xpath("./tr|./thead/tr|./tbody/tr")]
        columns = max((len(row) for row in rows), default=0)
        if not columns:
            return
        kind = next((name for name in element.classes if name in TABLE_CELLS), "")
        table = container.add_table(rows=len(rows), cols=columns)
        if kind == "list":
            table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = _widths(rows, columns, kind)
        for index, width in enumerate(widths):
            table.columns[index].width = width
        for row, cells in zip(table.rows, rows, strict=True):
            if kind != "list":
                _keep_row(row)  # the header and the signatures are never cut by a page break
            for index, cell_element in enumerate(cells):
                cell = row.cells[index]
                cell.width = widths[index]
                self.fresh_cells.add(cell._tc)
                style = TABLE_CELLS.get(kind, {}) | _style_of(cell_element)
                self.flow(cell_element, cell, style)
        if kind == "signatures":  # the PDF's table.signatures { margin-top: 18pt }
            for cell in table.rows[0].cells:
                cell.paragraphs[0].paragraph_format.space_before = Pt(18)


def _widths(rows, columns: int, kind: str) -> list:
    """The header's columns as the PDF's (45 % and 55 %), two signatures side by side, a list's columns by
    the length of what they hold."""
    first = rows[0]
    if kind != "list":
        shares = [CELL_WIDTHS.get(next(iter(cell.classes), ""), 0) for cell in first] + [0] * (
            columns - len(first)
        )
        rest = [index for index, share in enumerate(shares) if not share]
        left = max(0.0, 1 - sum(shares))
        shares = [share or left / len(rest) for share in shares]
    else:
        longest = [4] * columns
        for cells in rows:
            for index, cell in enumerate(cells):
                longest[index] = max(longest[index], min(40, len(" ".join(cell.text_content().split()))))
        shares = [length / sum(longest) for length in longest]
    return [Mm(TEXT_WIDTH * share) for share in shares]


def _keep_row(row) -> None:
    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)
