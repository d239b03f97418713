"""Names of the files the app hands out."""

import re
import unicodedata


def download_name(*parts, extension: str) -> str:
    """An ASCII name from slugs of its parts: ("minutes", 'CB/"1"', "2026-05") → "minutes-CB-1-2026-05.pdf".

    A cell code or a title is typed by users: a `/`, a quote or a right-to-left override in it must not cut
    or disguise the name the browser saves the file under."""
    slugs = []
    for part in parts:
        text = unicodedata.normalize("NFD", str(part).replace("đ", "d").replace("Đ", "D"))
        ascii_text = (
            "".join(c for c in text if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
        )
        slugs.append(re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-"))  # "CB/1" is "CB-1", not "CB1"
    return f"{'-'.join(s for s in slugs if s) or 'tai-lieu'}.{extension}"


def document_name(name: str, *, extension: str) -> str:
    """An uploaded document's own name, readable in Vietnamese, under the extension of its checked type.

    Invisible and control characters go (a right-to-left override makes "hoso\u202egpj.exe" look like
    "hosoexe.jpg"), and so do the characters that cut or change a path or a header (/ \\ " and the like)."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    kept = "".join(
        "-" if c in '/\\"<>:|?*' else c for c in stem if not unicodedata.category(c).startswith("C")
    )
    stem = " ".join(kept.split()).strip(" .-")[:150]
    return f"{stem or 'tai-lieu'}.{extension}"
