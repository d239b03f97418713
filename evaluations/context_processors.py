from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject

import access

from . import inbox


@dataclass(frozen=True)
class Badge:
    shown: bool = False  # the user has an inbox (a superior officer, a committee reviewer)
    count: int = 0


def todo(request):
    """The "To do" link and its count in the bar: lazy (partial responses pay nothing); a member without an
    inbox pays no query beyond `access_for`, which the bar reads anyway; an officer pays one."""
    user = getattr(request, "user", None)

    def badge() -> Badge:
        if user is None or not user.is_authenticated:
            return Badge()
        scope = access.inbox_scope_of(user)
        if not scope:
            return Badge()
        return Badge(shown=True, count=inbox.count(scope, user))

    return {"todo": SimpleLazyObject(badge)}
