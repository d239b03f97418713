"""For `make screenshots`: the model cell's next meeting is published and opened, so that the live page can be
photographed on a phone. Only ever run against the throwaway screenshot database (DATABASE_URL set by make)."""

import os
import sys
from pathlib import Path


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
    import django

    django.setup()
    from meetings import live, services
    from meetings.models import Meeting
    from members.models import Member
    from ops.demo import members as demo

    meeting = Meeting.objects.filter(cell__name=demo.MODEL_CELL, status=Meeting.Status.PLANNED).earliest(
        "scheduled_at"
    )
    secretary = Member.objects.get(user__username="bithu.dien")
    clerk = Member.objects.get(user__username="thuky.dien")
    services.publish_meeting(meeting=meeting, by=secretary.user)
    live.open_meeting(meeting=meeting, chair=secretary, clerk=clerk, by=secretary.user)


if __name__ == "__main__":
    main()
