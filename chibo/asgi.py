"""The ASGI entry (docker-compose.yml's web: gunicorn with uvicorn workers): the live stream's path goes to
chibo/push.py, which holds thousands of open streams on one process without a thread each; every other
path goes to Django."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
django_application = get_asgi_application()

from django.conf import settings  # noqa: E402  (after Django is set up)

from . import push  # noqa: E402


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"].startswith(settings.LIVE_STREAM_PATH):
        return await push.app(scope, receive, send)
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    return await django_application(scope, receive, send)
