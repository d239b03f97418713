"""No signal on a phone, as the browser journeys make it.

Chromium's offline emulation (`context.set_offline`) makes a page say it has no connection and fails its
requests, yet once in about ten CI runs a phone's comment reached the server while it was "offline", after a
reload under the app's service worker (the journey in test_live_meeting.py; sessions 10 and 12). A phone with no
signal sends nothing at all, so while the signal is off every request of the context is refused as well.
"""


def _refuse(route) -> None:
    route.abort("internetdisconnected")


def signal_off(context) -> None:
    context.set_offline(True)
    context.route("**/*", _refuse)


def signal_on(context) -> None:
    context.unroute("**/*", _refuse)
    context.set_offline(False)
