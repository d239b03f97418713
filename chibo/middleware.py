"""Response headers every page and download of the app carries."""

from django.utils.cache import patch_cache_control

# The app uses none of these browser features (the QR code is drawn on the server, nothing is scanned).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)


class PrivateResponseMiddleware:
    """No shared cache (a proxy, a CDN, the office's caching gateway) and no browser history cache keeps a
    page or a file of this app: every answer from a view is `private, no-store`. Static files never reach
    this middleware (WhiteNoise answers them first, with its own long-lived public caching)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
