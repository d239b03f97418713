"""For `make screenshots` (run by `manage.py shell`): the model cell's next meeting is published and opened,
so that the live page can be photographed on a phone. Only ever run against the throwaway screenshot database."""

from meetings import live, services
from meetings.models import Meeting
from members import demo
from members.models import Member

meeting = Meeting.objects.filter(cell__name=demo.MODEL_CELL, status=Meeting.Status.PLANNED).earliest(
    "scheduled_at"
)
secretary = Member.objects.get(user__username="bithu.dien")
services.publish_meeting(meeting=meeting, by=secretary.user)
live.open_meeting(
    meeting=meeting, chair=secretary, clerk=Member.objects.get(user__username="thuky.dien"), by=secretary.user
)
