from django.utils.functional import SimpleLazyObject

from .models import Notification


def notifications(request):
    """The unread count in the menu; lazy, so partial responses pay nothing."""
    user = request.user

    def unread() -> int:
        if not user.is_authenticated:
            return 0
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(unread)}
