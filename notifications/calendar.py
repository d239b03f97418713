"""A user's meetings as an iCalendar feed (RFC 5545), built with the icalendar library."""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from meetings.models import Meeting


def feed_for(meetings: QuerySet[Meeting]) -> bytes:
    """The feed of these meetings (the view passes the user's: access.calendar_meetings_of), the last three
    months' and all to come."""
    calendar = Calendar()
    calendar.add("prodid", "-//chibo//lich sinh hoat chi bo//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Sinh hoạt chi bộ")
    since = timezone.now() - dt.timedelta(days=92)
    for meeting in meetings.filter(scheduled_at__gte=since).select_related("cell"):
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@chibo")
        event.add("summary", f"{meeting.title} — {meeting.cell.name}")
        starts = timezone.localtime(meeting.scheduled_at)  # written in Vietnam's time (TZID), not UTC
        event.add("dtstart", starts)
        event.add("dtend", starts + dt.timedelta(minutes=meeting.min_minutes))
        event.add("dtstamp", timezone.now())
        if meeting.place:
            event.add("location", meeting.place)
        event.add("url", f"{settings.SITE_URL.rstrip('/')}{reverse('meetings:meeting', args=[meeting.pk])}")
        event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()  # the VTIMEZONE that TZID=Asia/Ho_Chi_Minh refers to (RFC 5545)
    return calendar.to_ical()
