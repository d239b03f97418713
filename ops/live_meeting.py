"""A meeting open right now, for the benchmark (`manage.py bench`) and the load test (`manage.py seed_load`)
to measure: planned through the services as a thematic meeting, published and opened, so its roll call,
guests and history exist as in a real meeting."""

from django.utils import timezone

from meetings import live, services


def open_now(cell, *, topic: str, place: str, chair, by):
    """`chair` chairs and keeps the minutes; `by` is the user who plans, publishes and opens it."""
    meeting = services.create_thematic_meeting(
        cell=cell, topic=topic, scheduled_at=timezone.now(), place=place, shares_session_with=None, by=by
    )
    services.publish_meeting(meeting=meeting, by=by)
    live.open_meeting(meeting=meeting, chair=chair, clerk=chair, by=by)
    return meeting
