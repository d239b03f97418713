"""The ASGI entry (docker-compose.yml's push service: uvicorn): the live stream's path goes to chibo/push.py,
which holds thousands of open streams on one process without a thread each; any other path goes to Django
(the front door sends those to gunicorn's sync workers instead, which serve Django for less CPU; a single
uvicorn process serving both is what the push browser journeys run)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
django_application = get_asgi_application()

from django.conf import settings  # noqa: E402  (after Django is set up)

from . import push  # noqa: E402


def route(django_app):
    """The stream's path to the stream, lifespan answered here, the rest to `django_app`."""

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
        return await django_app(scope, receive, send)

    return application


application = route(django_application)
