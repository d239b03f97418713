"""Reading pages and PDFs as a user does, and the Vietnamese messages they expect."""

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext

BLOCKS = ("br", "p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "span", "ul", "article")


def vi(message: str, **params) -> str:
    """The Vietnamese catalogue's text for an English msgid, as text() reads it."""
    with translation.override("vi"):
        translated = gettext(message)
    return " ".join((translated % params if params else translated).split())


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        if tag in BLOCKS:
            self.chunks.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea"):
            self._skip -= 1
        if tag in BLOCKS:
            self.chunks.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


def text(response) -> str:
    """The page's visible text (form fields left out), whitespace collapsed."""
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join("".join(parser.chunks).split())


def pdf_text(path: Path, *, first: int | None = None, last: int | None = None) -> str:
    """pdftotext's reading of a PDF (poppler-utils), in reading order."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    done = subprocess.run([*args, str(path), "-"], capture_output=True, check=True, text=True)
    return done.stdout


def flat(value: str) -> str:
    return " ".join(value.split())


def pdfa_identification(path: Path) -> tuple[str, str]:
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    part = re.search(r"pdfaid:part(?:>|=\")(\d)", meta)
    conformance = re.search(r"pdfaid:conformance(?:>|=\")(\w)", meta)
    return (part.group(1) if part else "", conformance.group(1) if conformance else "")
