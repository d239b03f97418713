"""Reading pages as a user does, and the Vietnamese messages they expect (shared with tests/meetings)."""

from ..meetings.pages import _collapsed, rows, text, vi, vi_n

__all__ = ["messages_of", "rows", "text", "vi", "vi_n"]


def messages_of(response) -> list[str]:
    """The flash messages the next page shows."""
    return [_collapsed(str(m)) for m in response.context["messages"]] if response.context else []
