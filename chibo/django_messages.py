"""Django's own messages that its Vietnamese catalogue leaves untranslated, yet our forms can show (found by
the property tests in tests/properties). Listed here so that makemessages puts them in locale/vi, whose
translations win over Django's; this module is never imported."""

from django.utils.translation import gettext_noop

MESSAGES = (
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Enter a valid UUID."),
    gettext_noop("“%(value)s” is not a valid UUID."),
    gettext_noop("Enter a complete value."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous or it may "
        "not exist."
    ),
)
