from django.utils.functional import SimpleLazyObject

from .models import Notification


def notifications(request):
    """The unread count in the menu; lazy, so partial responses pay nothing."""
    # No user on a request refused before the authentication middleware ran (a forged Host: the 400 page).
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(unread)}
