"""THE access module: every view gets its objects, and the lists it shows, from here.

Layers: `access` sits above the domain apps (members, meetings, evaluations, archive, audit: it reads their
models) and below the web layer (views, urls, middleware, context processors). No domain module imports it;
a domain function that needs a decision takes it as an argument from the view.

- `access_for(user)`: the user's place in the party tree (Access), computed once per request;
- per-object getters, `obj, may = access.meeting_for(user, pk, need="manage")`: outsider 404, a `need`
  the user lacks 403 (access/objects.py);
- lists of what a user may see: `organizations_visible_to`, `search_entries_visible_to`,
  `notifications_of`, `calendar_meetings_of`, `cells_managed_by`, `inbox_scope_of` (access/rules.py).
"""

from .objects import (
    DocumentMay,
    GuidanceMay,
    ImportMay,
    MeetingMay,
    MemberMay,
    OrganizationMay,
    VerificationMay,
    agenda_item_for,
    calendar_feed_owner,
    cell_for,
    check_poll_token,
    comment_for,
    document_for,
    guidance_for,
    import_for,
    meeting_for,
    member_for,
    minutes_for,
    minutes_version_for,
    organization_for,
    pdf_for,
    phone_vote_for,
    poll_token,
    read_poll_token,
    score_sheet_for,
    status_period_for,
    task_for,
    verification_for,
)
from .rules import (
    NO_ACCESS,
    Access,
    access_for,
    calendar_meetings_of,
    cells_managed_by,
    history_models_for,
    inbox_scope_of,
    is_committee_account,
    notifications_of,
    organizations_visible_to,
    search_entries_visible_to,
)

__all__ = [
    "Access",
    "DocumentMay",
    "GuidanceMay",
    "ImportMay",
    "MeetingMay",
    "MemberMay",
    "NO_ACCESS",
    "OrganizationMay",
    "VerificationMay",
    "access_for",
    "agenda_item_for",
    "calendar_feed_owner",
    "calendar_meetings_of",
    "cell_for",
    "cells_managed_by",
    "check_poll_token",
    "comment_for",
    "phone_vote_for",
    "document_for",
    "guidance_for",
    "history_models_for",
    "import_for",
    "inbox_scope_of",
    "is_committee_account",
    "meeting_for",
    "member_for",
    "minutes_for",
    "minutes_version_for",
    "notifications_of",
    "organization_for",
    "organizations_visible_to",
    "pdf_for",
    "poll_token",
    "read_poll_token",
    "score_sheet_for",
    "status_period_for",
    "search_entries_visible_to",
    "task_for",
    "verification_for",
]
