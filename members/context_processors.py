from django.utils.functional import SimpleLazyObject

from access import access_for


def access(request):
    # Lazy: partial responses that never read it (the live comment poll) cost no queries.
    return {"access": SimpleLazyObject(lambda: access_for(request.user))}
