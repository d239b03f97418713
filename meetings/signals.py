"""What a meeting tells the apps above it, which listen without meetings/ knowing them (the layers in
docs/ARCHITECTURE.md): notifications tells members of a published agenda, evaluations recomputes the
cell's month when a meeting changes state."""

from django.dispatch import Signal

# The agenda was published (inside the publishing transaction). sender: Meeting; meeting: the meeting.
published = Signal()
# The meeting moved through its state machine (inside the transaction). sender: Meeting; meeting_id.
status_changed = Signal()
# What the phones of an open meeting show changed: a comment was posted or answered, the current item moved
# (after the change, outside or inside a transaction). sender: Meeting; meeting_id; comment_ids: the
# comments to show again (new or answered), possibly empty; comments (optional): those comments in hand,
# with their speaker and item, so they need not be read back; speakers (optional): the speaker queue moved
# (meetings/speakers.py), so the update draws it. meetings/push.py tells the phones.
live_changed = Signal()
# A vote was counted (inside its transaction). sender: Meeting; vote: the Vote. documents/ keeps the draft of
# the minutes a vote on them was about, so that only that draft is adopted.
vote_recorded = Signal()
