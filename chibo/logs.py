"""What the app's own log may hold (settings.LOGGING): no private token, and one line per refused request.

Django logs "Not Found: /calendar/<token>.ics" with the feed's whole private token (gunicorn's access log
masks it, chibo/gunicorn_conf.py), and every 403 with the traceback of the refusal, which tells an operator
nothing: the access check did its job.
"""

import logging
import re

# The calendar feed's private token (notifications:calendar_feed), wherever it appears in a message.
CALENDAR_TOKEN = re.compile(r"(/calendar/)[^/\s\"']+(\.ics)")


def mask(text: str) -> str:
    return CALENDAR_TOKEN.sub(r"\1…\2", text)


class PrivateFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if 400 <= getattr(record, "status_code", 500) < 500:
            # A refused request (400, 403, 404, 405): the line is enough, the traceback is noise.
            record.exc_info = record.exc_text = None
        return True
