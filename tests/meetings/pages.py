"""Reading pages as a user does (visible text, table rows, form values) and the messages they expect.

Expected messages come from the Vietnamese catalogue through `vi()`, so a test follows the catalogue
instead of copying its wording.
"""

from html.parser import HTMLParser

from django.utils import translation
from django.utils.translation import gettext, ngettext

HTMX = {"HTTP_HX_REQUEST": "true"}


def _collapsed(message: str) -> str:
    # As text() reads a page: any run of whitespace (a non-breaking space too) is one space.
    return " ".join(message.split())


def vi(message: str, **params) -> str:
    with translation.override("vi"):
        text = gettext(message)
    return _collapsed(text % params if params else text)


def vi_n(singular: str, plural: str, count: int, **params) -> str:
    with translation.override("vi"):
        text = ngettext(singular, plural, count)
    return _collapsed(text % {"counter": count, **params})


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.rows: list[list[str]] = []
        self.fields: dict[str, str] = {}
        self._skip = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""
        if tag in ("br", "p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "option"):
            self.chunks.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        if tag in ("p", "div", "li", "td", "th", "tr", "h1", "h2", "h3"):
            self.chunks.append(" ")

    def handle_data(self, data):
        if self._skip:
            return
        if self._textarea:
            self.fields[self._textarea] += data.removeprefix("\n")
        self.chunks.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _parse(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


def text(response) -> str:
    """The page's visible text, whitespace collapsed."""
    return " ".join("".join(_parse(response).chunks).split())


def rows(response) -> list[list[str]]:
    """Table body rows as lists of cell texts (header rows included)."""
    return _parse(response).rows


def fields(response) -> dict[str, str]:
    """The values the page's forms would send back: what the user typed is still there."""
    return _parse(response).fields
