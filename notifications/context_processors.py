from django.db import connection
from django.utils.functional import SimpleLazyObject

from .models import Notification


def notifications(request):
    """The unread count in the menu; lazy, so partial responses pay nothing."""
    # No user on a request refused before the authentication middleware ran (a forged Host: the 400 page).
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        # Written as SQL: every page pays it, and the ORM's count() took four times as long to build as to run.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {connection.ops.quote_name(Notification._meta.db_table)}"
                " WHERE recipient_id = %s AND read_at IS NULL",
                [user.pk],
            )
            return cursor.fetchone()[0]

    return {"unread_notifications": SimpleLazyObject(unread)}
