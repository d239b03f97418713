"""Reading pages as a user does, and the Vietnamese messages they expect.

Expected messages come from the Vietnamese catalogue through `vi()`, so a test follows the catalogue
instead of copying its wording.
"""

from html import unescape
from html.parser import HTMLParser

from django.utils import translation
from django.utils.translation import gettext, ngettext


def _collapsed(message: str) -> str:
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
        self._skip = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
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
        if tag in ("p", "div", "li", "td", "th", "tr", "h1", "h2", "h3"):
            self.chunks.append(" ")

    def handle_data(self, data):
        if self._skip:
            return
        self.chunks.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _parse(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


def text(response) -> str:
    """The page's visible text, entities decoded, whitespace collapsed."""
    return " ".join(unescape("".join(_parse(response).chunks)).split())


def rows(response) -> list[list[str]]:
    """Every table row of the page, as the text of its cells."""
    return _parse(response).rows


def messages_of(response) -> list[str]:
    """The flash messages the next page shows."""
    return [_collapsed(str(m)) for m in response.context["messages"]] if response.context else []
