"""Reading a rendered page the way a user reads it: its text, its tables and the values in its form.

The Vietnamese catalogue may or may not be compiled when the tests run, so expected messages are built
with `vi()`, which translates the app's own message exactly as the page would.
"""

from html import unescape
from html.parser import HTMLParser

from django.utils import translation
from django.utils.translation import gettext

from ..meetings import pages as meeting_pages


def vi(message: str, **params) -> str:
    """The message as a Vietnamese page shows it, whether or not the catalogue has it yet."""
    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.fields: dict[str, str] = {}
        self._skip = 0
        self._select: str | None = None
        self._textarea: str | None = None
        self._search_box = False  # the site-wide search in the navigation bar is not the page's form

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._search_box = a.get("role") == "search"
        if tag in ("script", "style"):
            self._skip += 1
        elif self._search_box:
            pass
        elif tag == "input" and a.get("name") and a.get("type") not in ("hidden", "submit", "password"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._search_box = False
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._textarea:
            # Django writes a newline after <textarea> that browsers drop.
            self.fields[self._textarea] += (
                data.removeprefix("\n") if not self.fields[self._textarea] else data
            )


def _parse(response) -> _PageParser:
    parser = _PageParser()
    parser.feed(response.content.decode())
    return parser


def page_text(response) -> str:
    """What the reader sees: tags dropped, entities decoded, white space collapsed."""
    return " ".join(unescape(" ".join(_parse(response).text)).split())


def table_rows(response) -> list[list[str]]:
    """Every table row of the page, as the text of its cells."""
    return meeting_pages.rows(response)


def form_values(response) -> dict[str, str]:
    """What the form on the page holds: input values, selected options, textarea contents."""
    return _parse(response).fields
