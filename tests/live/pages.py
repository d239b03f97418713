"""Reading pages as a user does, and the Vietnamese messages they expect (shared with tests/meetings)."""

from django.urls import reverse

from ..meetings.pages import _collapsed, rows, text, vi, vi_n

__all__ = ["live_state", "messages_of", "rows", "text", "vi", "vi_n"]


def messages_of(response) -> list[str]:
    """The flash messages the next page shows."""
    return [_collapsed(str(m)) for m in response.context["messages"]] if response.context else []


def live_state(client, meeting) -> dict:
    """What the live page hands its script for the poll: the token, the last comment id, the item, the state,
    the vote's mark, the speaker queue's signature and the number of questions answered (static/js/live.js sends them back)."""
    context = client.get(reverse("meetings:live", args=[meeting.pk])).context
    return {
        "t": context["token"],
        "after": context["last_id"],
        "item": context["meeting"].current_item_id or "",
        "status": context["meeting"].status,
        "vote": context["vote_signature"],
        "speakers": context["queue"].signature,
        "answers": context["answers"],
    }
