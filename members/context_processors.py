from django.utils.functional import SimpleLazyObject

from access import access_for


def access(request):
    # Lazy: partial responses that never read it (the live comment poll) cost no queries.
    # No user on a request refused before the authentication middleware ran (a forged Host: the 400 page).
    return {"access": SimpleLazyObject(lambda: access_for(getattr(request, "user", None)))}
