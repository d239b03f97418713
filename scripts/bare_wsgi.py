"""The physical floor of a request (scripts/load.py --cost): answers 200 "ok" with nothing behind it.

`application` is a WSGI app for gunicorn's sync workers, `asgi` the same for its uvicorn workers; the cost of
a Django request is read against these, measured in the same run on the same machine.
"""

BODY = b"ok"
HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]


async def asgi(scope, receive, send):
    if scope["type"] != "http":
        return  # lifespan: returning at once tells uvicorn there is nothing to start or stop
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(k.lower().encode(), v.encode()) for k, v in HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": BODY})
