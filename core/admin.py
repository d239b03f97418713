from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin


class RecordAdmin(SimpleHistoryAdmin):
    """The meeting record and its scores in the admin: shown with their history, changed only in the app,
    where the meeting's rules (state machine, thresholds, locks) are checked."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-simple-history ships no Vietnamese: its admin pages find these in our catalogue (locale/vi).
SIMPLE_HISTORY_STRINGS = (
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("View %s"),
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("This object doesn't have a change history."),
)
