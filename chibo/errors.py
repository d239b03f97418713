"""The server-error answer. A failure of the infrastructure (database or Redis unreachable, the object store
unreachable, throttling or failing) is not a bug: it answers 503 with Retry-After, logs one line instead of
a 70-line traceback (a phone's outbox retrying during an outage would otherwise fill the log), and says what
is true about what the user sent: the database page, or the file store's (`503_storage.html`: the other
pages still work, the stored files are safe; a store that asks for fewer requests is given more time)."""

from __future__ import annotations

import logging
import sys

from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

from core.jobs import INFRASTRUCTURE_ERRORS
from core.storage import STORAGE_OUTAGES

log = logging.getLogger("chibo.outage")

RETRY_AFTER_SECONDS = 10
STORAGE_RETRY_AFTER_SECONDS = 30


def _wants_json(request) -> bool:
    return (
        "application/json" in request.headers.get("Accept", "")
        or request.headers.get("X-Requested-With") == "fetch"
    )


@requires_csrf_token
def server_error(request):
    error = sys.exc_info()[1]
    if error is None or not isinstance(error, INFRASTRUCTURE_ERRORS):
        return HttpResponseServerError(render_to_string("500.html"))
    storage = isinstance(error, STORAGE_OUTAGES)
    retry_after = STORAGE_RETRY_AFTER_SECONDS if storage else RETRY_AFTER_SECONDS
    if _wants_json(request):
        response = JsonResponse({"error": "unavailable", "retry_after": retry_after}, status=503)
    else:
        page = "503_storage.html" if storage else "503.html"
        response = HttpResponse(render_to_string(page), status=503)
    response["Retry-After"] = str(retry_after)
    response._has_been_logged = True  # the one line below instead of Django's traceback
    log.warning("503 %s %s: %s", request.method, request.path, type(error).__name__)
    return response
