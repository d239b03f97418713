"""Vietnamese text as the search matches it: lower case, without diacritics, words separated by one space.

"Bốn tốt" and "bon tot" both become "bon tot"; "Đảng phí" becomes "dang phi" (đ has no decomposition in
Unicode, so it is mapped by hand). The same function prepares what is stored and what is asked, so
PostgreSQL's full-text index and the SQLite fallback compare like with like.
"""

from __future__ import annotations

import re
import unicodedata

# Letters and digits; an underscore separates words, as PostgreSQL's text-search parser reads it, so that
# "bao_cao_thang_11.pdf" is found by "bao cao" on SQLite too.
WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case, no diacritics; punctuation kept (highlighting walks the original words)."""
    decomposed = unicodedata.normalize("NFD", (text or "").lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def plain(text: str) -> str:
    """What is stored and indexed: the words, space-separated, with a space at each end so that the SQLite
    fallback can match whole words with ' word '."""
    return " " + " ".join(words(text)) + " "
