"""Fills empty Vietnamese translations in locale/vi from a Python dict file, then leaves compiling to make.

Usage: .venv/bin/python scripts/fill_po.py TRANSLATIONS.py   (the file defines T = {msgid: msgstr, ...};
plural entries are keyed by (msgid, msgid_plural) with a list of forms). Existing translations are kept.
"""

import runpy
import sys

import polib

po = polib.pofile("locale/vi/LC_MESSAGES/django.po")
table = runpy.run_path(sys.argv[1])["T"]
filled = 0
for entry in po:
    # A fuzzy entry is msgmerge's guess from a similar string: replace it when the table has the real one.
    fuzzy = "fuzzy" in entry.flags
    if entry.msgid_plural:
        forms = table.get((entry.msgid, entry.msgid_plural))
        if forms and (fuzzy or not any(entry.msgstr_plural.values())):
            entry.msgstr_plural = dict(enumerate(forms))
            filled += 1
    elif entry.msgid in table and (fuzzy or not entry.msgstr):
        entry.msgstr = table[entry.msgid]
        filled += 1
    if fuzzy and ((entry.msgid, entry.msgid_plural) in table or entry.msgid in table):
        entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
po.metadata_is_fuzzy = False
po.metadata["Project-Id-Version"] = "chibo"
po.metadata["Language"] = "vi"
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.save()
missing = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
print(f"filled {filled}; still missing {len(missing)}")
for m in missing:
    print("  ", repr(m))
