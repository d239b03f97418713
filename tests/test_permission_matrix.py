"""Every URL of the app, asked for by every persona, answers with the expected status.

A URL added to the app without an entry in MATRIX fails `test_every_url_is_in_the_matrix`: named patterns by
their name, unnamed ones by their address (a key starting with "/").
Outsiders get 404 (they must not learn that an object exists); readers asking to change get 403.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from documents import minutes
from documents.models import GeneratedPdf, MinutesVersion
from documents.pdf import pdf_storage
from meetings import live, speakers
from meetings.models import Attendance, Comment, Document, Guidance, Meeting, Task, Vote
from meetings.services import plan_regular_meeting
from members.models import MemberImport, StatusPeriod
from notifications.models import CalendarFeed, Notification, PushSubscription

from .conftest import PERSONAS
from .factories import post_comment

# Shorthands for the expected status of each persona, in the order of PERSONAS:
# anon, nobody, member, fellow, secretary, officer, reviewer, outsider, admin
LOGGED_IN_OK = dict.fromkeys(PERSONAS, 200) | {"anon": 302}
CELL_PAGE = {
    "anon": 302,
    "nobody": 404,
    "member": 200,
    "fellow": 200,
    "secretary": 200,
    "officer": 200,
    "reviewer": 200,
    "outsider": 404,
    "admin": 200,
}
CELL_READ = CELL_PAGE | {"member": 403, "fellow": 403}
CELL_MANAGE = CELL_READ | {"officer": 403, "reviewer": 403}
CELL_MANAGE_POST = CELL_MANAGE  # same people; a success redirects
MANAGE_DONE = CELL_MANAGE | {"secretary": 302, "admin": 302}  # the committee's action is done: back to a page
OWN_IMPORT = CELL_MANAGE | {"admin": 404}  # an import is seen only by the user who uploaded it


def _pending_import(world):
    return MemberImport.objects.create(
        organization=world.cell,
        filename="ds.csv",
        created_by=world.secretary.user,
        table=[["Họ và tên", "Ngày sinh"], ["Trần Văn Mới", "01/02/1990"]],
    )


def _period(world):
    return StatusPeriod.objects.create(
        member=world.target, kind="exempt", starts_on="2026-01-01", reason="Ốm"
    )


GUIDE = dict.fromkeys(PERSONAS, 404) | {"anon": 302, "reviewer": 200, "admin": 200}
EVERYONE_BELOW = dict.fromkeys(PERSONAS, 200) | {"anon": 302, "nobody": 404}
GUIDE_ACTION = EVERYONE_BELOW | dict.fromkeys(["member", "fellow", "secretary", "officer", "outsider"], 403)
DRAFT_ONLY_COMMITTEE = dict.fromkeys(PERSONAS, 404) | {"anon": 302, "secretary": 200, "admin": 200}


def _meeting(world, status=Meeting.Status.PLANNED):
    meeting, _created = plan_regular_meeting(cell=world.cell, period=timezone.localdate())
    if status != meeting.status:
        Meeting.objects.filter(pk=meeting.pk).update(status=status, published_at=timezone.now())
        meeting.refresh_from_db()
    return meeting


def _item(world):
    return _meeting(world).agenda_items.first()


def _draft_document(world):
    return Document.objects.create(
        meeting=_meeting(world),
        title="Dự thảo",
        file=ContentFile(b"%PDF-1.4", name="d.pdf"),
        original_name="d.pdf",
        content_type="application/pdf",
        size=8,
    )


def _guidance(world):
    return Guidance.objects.create(
        organization=world.root,
        period=timezone.localdate().replace(day=1),
        title="Định hướng",
        text="…",
        published_at=timezone.now(),
    )


def _live(world):
    """A meeting in progress; the plain member `fellow` is its meeting secretary (thư ký)."""
    meeting = _meeting(world, Meeting.Status.PREPARED)
    return live.open_meeting(meeting=meeting, chair=world.secretary, clerk=world.fellow, by=None)


def _phone_vote(world):
    """A vote open on the phones of a meeting in progress where `member` and `fellow` are present with a vote."""
    meeting = _live(world)
    for present in (world.member, world.fellow):
        live.mark_attendance(
            attendance=meeting.attendances.get(member=present), status=Attendance.Status.PRESENT
        )
    return live.open_phone_vote(meeting=meeting, kind=Vote.Kind.RESOLUTION, question="Nghị quyết", by=None)


# Only the official members present at the meeting vote: the others who see the meeting get 403.
BALLOT = (
    CELL_PAGE
    | {"member": 302, "fellow": 302}
    | dict.fromkeys(["secretary", "officer", "reviewer", "admin"], 403)
)


def _queue(world):
    """A meeting in progress where `member` and `fellow` are present and `member` asked to speak."""
    meeting = _live(world)
    for present in (world.member, world.fellow):
        live.mark_attendance(
            attendance=meeting.attendances.get(member=present), status=Attendance.Status.PRESENT
        )
    speakers.ask(meeting=meeting, member=world.member)
    return meeting


# The members present ask to speak; the others who see the meeting (the committee not checked in, readers
# from above, the admin) get 403; the chair's side calls the speakers.
ASK = BALLOT


def _question(world):
    return post_comment(_live(world), world.member, "Xin hỏi?", kind=Comment.Kind.QUESTION)


def _task(world):
    return Task.objects.create(
        meeting=_live(world), title="Việc", assignee=world.member, due_on=timezone.localdate()
    )


NEW_ITEM = {"new-title": "Nội dung mới", "new-planned_minutes": "10", "new-category": "party"}
RUN = CELL_MANAGE | {"fellow": 200}  # the committee, and the member named meeting secretary
RUN_POST = RUN | {"secretary": 302, "fellow": 302, "admin": 302}
SEERS_POST = CELL_PAGE | dict.fromkeys(["member", "fellow", "secretary", "officer", "reviewer", "admin"], 302)


def _closed(world):
    meeting = _live(world)
    for present in (world.secretary, world.fellow):  # the chair and the meeting secretary were there
        live.mark_attendance(
            attendance=meeting.attendances.get(member=present), status=Attendance.Status.PRESENT
        )
    live.close_meeting(meeting=meeting, by=None)
    return meeting


def _adopted(world):
    meeting = _closed(world)
    Vote.objects.create(meeting=meeting, kind=Vote.Kind.MINUTES, question="Thông qua biên bản", passed=True)
    minutes.adopt(meeting=meeting, by=None)
    return meeting


def _ready_pdf(world):
    meeting = _adopted(world)
    GeneratedPdf.objects.filter(meeting=meeting, kind="minutes").update(
        status="ready", file="pdf/x/minutes.pdf"
    )
    storage = pdf_storage()
    storage.save("pdf/x/minutes.pdf", ContentFile(b"%PDF-1.4 test"))
    return meeting


def _verification_code(world):
    from documents import verification
    from documents.models import VerificationCode

    code = VerificationCode.objects.get(version__minutes__meeting=_adopted(world), kind="minutes")
    return verification.grouped(code.code)


def _notification(world):
    return Notification.objects.create(
        key="test:1", kind="test", recipient=world.member.user, title="Nhắc", body="…", url="/"
    )


def _push_device(world):
    """The member's phone, where they turned push notifications on."""
    return PushSubscription.objects.create(
        user=world.member.user,
        endpoint="https://fcm.googleapis.com/fcm/send/matrix-phone",
        p256dh="BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        auth="tBHItJI5svbpez7KI4CCXg",
    )


def _feed(world):
    return CalendarFeed.objects.create(user=world.member.user, token="token-of-the-member")


# A notification opens only for its recipient (the member); anyone else gets 404.
OWN_NOTIFICATION = dict.fromkeys(PERSONAS, 404) | {"anon": 302, "member": 302}
# The superior officer (and reviewers above) score separately; the cell's committee does not.
SUPERIOR_SCORE = CELL_READ | {"secretary": 403}
# A committee's dashboard: its readers (the officer sits on Đảng bộ A's committee, the reviewer above it).
INBOX = dict.fromkeys(PERSONAS, 404) | {"anon": 302, "officer": 200, "reviewer": 200}
BRANCH_READ = dict.fromkeys(PERSONAS, 404) | {"anon": 302, "officer": 200, "reviewer": 200, "admin": 200}
TOKEN_ONLY = dict.fromkeys(PERSONAS, 403) | {"anon": 302}
SELF_CRITICISM = CELL_READ
# Minutes books: the cell's committee and the committees above keep them; members of the cell do not.
BOOK_READ = CELL_READ
BOOK_POST = CELL_READ | dict.fromkeys(["secretary", "officer", "reviewer", "admin"], 302)
ARCHIVE_POST = BRANCH_READ | dict.fromkeys(["officer", "reviewer", "admin"], 302)
YEAR = 2026


def _ready_book(world):
    from documents.models import MinutesBook

    pdf_storage().save("books/x/2026.pdf", ContentFile(b"%PDF-1.4 test"))
    MinutesBook.objects.create(cell=world.cell, year=YEAR, status="ready", file="books/x/2026.pdf")
    return world.cell


def _ready_archive(world):
    from documents.models import BookArchive

    pdf_storage().save("books/archives/x/2026.zip", ContentFile(b"PK test"))
    BookArchive.objects.create(
        organization=world.branch_a, year=YEAR, status="ready", file="books/archives/x/2026.zip"
    )
    return world.branch_a


# url name -> (method, args(world), expected {persona: status}, post data)
MATRIX = {
    "healthz": ("get", lambda w: [], dict.fromkeys(PERSONAS, 200), None),
    "livez": ("get", lambda w: [], dict.fromkeys(PERSONAS, 200), None),
    # Prometheus scrapes with a bearer token (tests/test_metrics.py); a session, even the admin's, is not one.
    "metrics": ("get", lambda w: [], dict.fromkeys(PERSONAS, 404), None),
    "home": ("get", lambda w: [], dict.fromkeys(PERSONAS, 302) | {"nobody": 200}, None),
    "login": ("get", lambda w: [], dict.fromkeys(PERSONAS, 302) | {"anon": 200}, None),
    "logout": ("post", lambda w: [], dict.fromkeys(PERSONAS, 302), {}),
    "password_change": ("get", lambda w: [], LOGGED_IN_OK, None),
    "password_change_done": ("get", lambda w: [], LOGGED_IN_OK, None),
    "activate": ("get", lambda w: [], dict.fromkeys(PERSONAS, 200), None),
    # The code step of the login: without a password just checked, back to the login page (or home).
    "login_code": ("get", lambda w: [], dict.fromkeys(PERSONAS, 302), None),
    # Two-step login for one's own account (no object: being logged in is the whole permission).
    "two_factor": ("get", lambda w: [], LOGGED_IN_OK, None),
    "two_factor_disable": ("post", lambda w: [], dict.fromkeys(PERSONAS, 302), {}),
    "members:tree": ("get", lambda w: [], LOGGED_IN_OK, None),
    "members:organization": ("get", lambda w: [w.cell.pk], CELL_PAGE, None),
    "members:cell_settings": ("get", lambda w: [w.cell.pk], CELL_MANAGE, None),
    "members:member_create": ("get", lambda w: [w.cell.pk], CELL_MANAGE, None),
    "members:import_upload": ("get", lambda w: [w.cell.pk], CELL_MANAGE, None),
    "members:export": ("get", lambda w: [w.cell.pk], CELL_READ, None),
    "members:import_preview": ("get", lambda w: [_pending_import(w).pk], OWN_IMPORT, None),
    "members:import_confirm": (
        "post",
        lambda w: [_pending_import(w).pk],
        OWN_IMPORT | {"secretary": 302},
        {},
    ),
    "members:member": ("get", lambda w: [w.target.pk], CELL_READ, None),
    "members:member_edit": ("get", lambda w: [w.target.pk], CELL_MANAGE, None),
    "members:member_transfer": ("get", lambda w: [w.target.pk], CELL_MANAGE, None),
    "members:member_recognise": ("get", lambda w: [w.target.pk], CELL_MANAGE, None),
    "members:member_invite": ("post", lambda w: [w.target.pk], CELL_MANAGE_POST, {}),
    "members:status_create": ("get", lambda w: [w.target.pk], CELL_MANAGE, None),
    "members:status_edit": ("get", lambda w: [_period(w).pk], CELL_MANAGE, None),
    "meetings:cell": ("get", lambda w: [w.cell.pk], CELL_PAGE, None),
    "meetings:thematic_create": ("get", lambda w: [w.cell.pk], CELL_MANAGE, None),
    "meetings:plan_regular": ("post", lambda w: [w.cell.pk], MANAGE_DONE, {}),
    "meetings:agenda_template": ("get", lambda w: [w.cell.pk], CELL_MANAGE, None),
    "meetings:meeting": ("get", lambda w: [_meeting(w).pk], CELL_PAGE, None),
    "meetings:move": ("get", lambda w: [_meeting(w).pk], CELL_MANAGE, None),
    "meetings:cancel": ("get", lambda w: [_meeting(w).pk], CELL_MANAGE, None),
    "meetings:publish": ("post", lambda w: [_meeting(w).pk], MANAGE_DONE, {}),
    "meetings:reopen": ("get", lambda w: [_meeting(w, Meeting.Status.PREPARED).pk], CELL_MANAGE, None),
    "meetings:committee_session": ("get", lambda w: [_meeting(w).pk], CELL_MANAGE, None),
    "meetings:item_add": ("post", lambda w: [_meeting(w).pk], MANAGE_DONE, NEW_ITEM),
    "meetings:agenda_reorder": (
        "post",
        lambda w: [_meeting(w).pk],
        MANAGE_DONE,
        lambda w: {
            "order": ",".join(str(pk) for pk in _meeting(w).agenda_items.values_list("pk", flat=True))
        },
    ),
    "meetings:save_template": ("post", lambda w: [_meeting(w).pk], MANAGE_DONE, {}),
    "meetings:document_add": (
        "post",
        lambda w: [_meeting(w).pk],
        CELL_MANAGE | {"secretary": 422, "admin": 422},
        {},
    ),
    "meetings:item_edit": ("get", lambda w: [_item(w).pk], CELL_MANAGE, None),
    "meetings:item_delete": ("post", lambda w: [_item(w).pk], MANAGE_DONE, {}),
    "meetings:item_move": ("post", lambda w: [_item(w).pk, "down"], MANAGE_DONE, {}),
    "meetings:document": ("get", lambda w: [_draft_document(w).pk], DRAFT_ONLY_COMMITTEE, None),
    "meetings:document_delete": ("post", lambda w: [_draft_document(w).pk], MANAGE_DONE, {}),
    "meetings:open": ("get", lambda w: [_meeting(w, Meeting.Status.PREPARED).pk], CELL_MANAGE, None),
    "meetings:live": ("get", lambda w: [_live(w).pk], CELL_PAGE, None),
    "meetings:screen": ("get", lambda w: [_live(w).pk], CELL_PAGE, None),
    "meetings:poll": ("get", lambda w: [_live(w).pk], TOKEN_ONLY, None),
    "meetings:comment_post": (
        "post",
        lambda w: [_live(w).pk],
        SEERS_POST,
        {"text": "Ý kiến", "kind": "opinion"},
    ),
    "meetings:ballot": ("post", lambda w: [_phone_vote(w).pk], BALLOT, {"choice": "for"}),
    "meetings:phone_vote_close": ("post", lambda w: [_phone_vote(w).pk], RUN_POST, {}),
    "meetings:check_in": ("post", lambda w: [_live(w).pk], SEERS_POST, {}),
    "meetings:current_item": (
        "post",
        lambda w: [_live(w).pk],
        RUN_POST,
        lambda w: {"item": Meeting.objects.get(cell=w.cell, status="in_progress").agenda_items.last().pk},
    ),
    "meetings:close": ("post", lambda w: [_live(w).pk], MANAGE_DONE, {}),
    "meetings:speaker_ask": ("post", lambda w: [_queue(w).pk], ASK, {}),
    "meetings:speaker_withdraw": ("post", lambda w: [_queue(w).pk], ASK, {}),
    "meetings:speaker_next": ("post", lambda w: [_queue(w).pk], RUN_POST, {}),
    "meetings:speaker_end": ("post", lambda w: [_queue(w).pk], RUN_POST, {}),
    "meetings:answer": ("post", lambda w: [_question(w).pk], RUN_POST, {"answer": "Trả lời"}),
    "meetings:attendance": ("get", lambda w: [_live(w).pk], RUN, None),
    "meetings:all_present": ("post", lambda w: [_live(w).pk], RUN_POST, {}),
    "meetings:attendance_mark": (
        "post",
        lambda w: [(m := _live(w)).pk, m.attendances.get(member=w.member).pk],
        RUN_POST,
        lambda w: {f"status_{Attendance.objects.get(member=w.member).pk}": "present"},
    ),
    "meetings:guest_add": ("post", lambda w: [_live(w).pk], RUN_POST, {"name": "Khách"}),
    "meetings:clerk": ("post", lambda w: [_live(w).pk], MANAGE_DONE, {}),
    "meetings:votes": ("get", lambda w: [_live(w).pk], RUN, None),
    "meetings:tasks": ("get", lambda w: [_live(w).pk], CELL_PAGE, None),
    "meetings:task_status": ("post", lambda w: [_task(w).pk], RUN_POST, {"status": "done"}),
    "meetings:dues": ("get", lambda w: [_live(w).pk], RUN, None),
    "meetings:dues_all_paid": ("post", lambda w: [_live(w).pk], RUN_POST, {}),
    "meetings:self_criticism": ("get", lambda w: [_live(w).pk], SELF_CRITICISM, None),
    "meetings:cell_dues": ("get", lambda w: [w.cell.pk], CELL_READ, None),
    "meetings:rotation": ("get", lambda w: [w.cell.pk], CELL_READ, None),
    "meetings:member_dues": ("get", lambda w: [w.target.pk], CELL_READ, None),
    "documents:minutes": ("get", lambda w: [_closed(w).pk], RUN, None),
    "documents:minutes_read": ("get", lambda w: [_closed(w).pk], RUN, None),
    "documents:minutes_adopt": (
        "post",
        lambda w: [_closed(w).pk],
        RUN_POST,
        {},
    ),
    "documents:minutes_version": (
        "get",
        lambda w: [MinutesVersion.objects.get(minutes__meeting=_adopted(w)).pk],
        CELL_PAGE,
        None,
    ),
    "documents:pdf": ("get", lambda w: [_ready_pdf(w).pk, "minutes"], CELL_PAGE, None),
    "documents:pdf_status": ("get", lambda w: [_adopted(w).pk, "minutes"], CELL_PAGE, None),
    "documents:pdf_request": ("post", lambda w: [_adopted(w).pk, "minutes"], RUN_POST, {}),
    # The verification page is public: anyone holding the paper may ask (what each persona reads there is
    # in tests/minutes/test_verification.py).
    "documents:verify_form": ("get", lambda w: [], dict.fromkeys(PERSONAS, 200), None),
    "documents:verify": ("get", lambda w: [_verification_code(w)], dict.fromkeys(PERSONAS, 200), None),
    # The Word file: the draft minutes are their writers' (adopted ones are everyone's: tests/minutes/test_docx.py).
    "documents:docx": ("get", lambda w: [_closed(w).pk, "minutes"], RUN, None),
    "notifications:notifications": ("get", lambda w: [], LOGGED_IN_OK, None),
    # Each member's own page: no id in the address, nothing of anyone else's (tests/meetings/test_my_page.py).
    "meetings:mine": ("get", lambda w: [], EVERYONE_BELOW | {"admin": 404}, None),
    "notifications:notification": ("get", lambda w: [_notification(w).pk], OWN_NOTIFICATION, None),
    "notifications:notifications_read": ("post", lambda w: [], dict.fromkeys(PERSONAS, 302), {}),
    "notifications:calendar": ("get", lambda w: [], LOGGED_IN_OK, None),
    # Notification channels and this device's push notifications: each user's own (tests/reminders/test_push.py).
    "notifications:settings": ("get", lambda w: [], LOGGED_IN_OK, None),
    # Posted by static/js/push.js; without a subscription in the form, a 400 with a Vietnamese message.
    "notifications:push_subscribe": ("post", lambda w: [], dict.fromkeys(PERSONAS, 400) | {"anon": 302}, {}),
    "notifications:push_unsubscribe": (
        "post",
        lambda w: [],
        dict.fromkeys(PERSONAS, 400) | {"anon": 302},
        {},
    ),
    # A device in the list is its owner's to remove; anyone else is told it does not exist.
    "notifications:push_remove": (
        "post",
        lambda w: [_push_device(w).pk],
        dict.fromkeys(PERSONAS, 404) | {"anon": 302, "member": 302},
        {},
    ),
    "notifications:calendar_renew": ("post", lambda w: [], dict.fromkeys(PERSONAS, 302), {}),
    "notifications:calendar_revoke": ("post", lambda w: [], dict.fromkeys(PERSONAS, 302), {}),
    "notifications:calendar_feed": ("get", lambda w: [_feed(w).token], dict.fromkeys(PERSONAS, 200), None),
    "evaluations:score": ("get", lambda w: [_closed(w).pk], CELL_MANAGE, None),
    "evaluations:four_good": ("get", lambda w: [_closed(w).pk], CELL_MANAGE, None),
    "evaluations:score_superior": ("get", lambda w: [_closed(w).pk], SUPERIOR_SCORE, None),
    # The confirmation page asks once; its POST (302 for the same people) is in tests/evaluations/test_inbox.py.
    "evaluations:confirm": ("get", lambda w: [_closed(w).pk], SUPERIOR_SCORE, None),
    # "To do": the superior officer's and the committee reviewer's; nobody else has one (admin included).
    "evaluations:inbox": ("get", lambda w: [], INBOX, None),
    "evaluations:inbox_minutes": (
        "get",
        lambda w: [MinutesVersion.objects.get(minutes__meeting=_adopted(w)).pk],
        SEERS_POST,  # read, then sent on to the minutes: whoever reads the minutes
        None,
    ),
    "evaluations:dashboard": ("get", lambda w: [w.branch_a.pk], BRANCH_READ, None),
    "evaluations:dashboard_xlsx": ("get", lambda w: [w.branch_a.pk], BRANCH_READ, None),
    "evaluations:dashboard_pdf": ("get", lambda w: [w.branch_a.pk], BRANCH_READ, None),
    "evaluations:cell": ("get", lambda w: [w.cell.pk], CELL_PAGE, None),
    "archive:search": ("get", lambda w: [], LOGGED_IN_OK, None),
    # The audit history: staff with the admin's history permissions (the admin persona) and nobody else.
    "audit:history": ("get", lambda w: [], dict.fromkeys(PERSONAS, 403) | {"anon": 302, "admin": 200}, None),
    "archive:cell_books": ("get", lambda w: [w.cell.pk], BOOK_READ, None),
    "archive:book_request": ("post", lambda w: [w.cell.pk, YEAR], BOOK_POST, {}),
    "archive:book_status": ("get", lambda w: [w.cell.pk, YEAR], BOOK_READ, None),
    "archive:book_download": ("get", lambda w: [_ready_book(w).pk, YEAR], BOOK_READ, None),
    "archive:committee_books": ("get", lambda w: [w.branch_a.pk], BRANCH_READ, None),
    "archive:archive_request": ("post", lambda w: [w.branch_a.pk, YEAR], ARCHIVE_POST, {}),
    "archive:archive_status": ("get", lambda w: [w.branch_a.pk, YEAR], BRANCH_READ, None),
    "archive:archive_download": ("get", lambda w: [_ready_archive(w).pk, YEAR], BRANCH_READ, None),
    # The admin's own login form would skip the second step: everybody is sent to the app's login.
    "/admin/login/": ("get", lambda w: [], dict.fromkeys(PERSONAS, 302), None),
    "meetings:guidance_list": ("get", lambda w: [w.root.pk], GUIDE, None),
    "meetings:guidance": ("get", lambda w: [_guidance(w).pk], EVERYONE_BELOW, None),
    "meetings:guidance_publish": (
        "post",
        lambda w: [_guidance(w).pk],
        GUIDE_ACTION | {"reviewer": 302, "admin": 302},
        {},
    ),
    "meetings:guidance_document_add": (
        "post",
        lambda w: [_guidance(w).pk],
        GUIDE_ACTION | {"reviewer": 422, "admin": 422},
        {},
    ),
}


def _url_names(resolver=None, namespace=None, prefix="/"):
    """Every URL pattern: its name (with its namespace), or its address when it has no name."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the Django admin: superusers only, checked in test_admin_is_for_superusers
            ns = pattern.namespace or namespace
            yield from _url_names(pattern, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            if not pattern.name:
                yield prefix + str(pattern.pattern)
            else:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix():
    names = set(_url_names())
    assert {"audit:history", "archive:book_download", "healthz", "/admin/login/"} <= names  # all urls.py
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URLs without an entry in the permission matrix: {missing}"
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"MATRIX entries for URLs that no longer exist: {stale}"


def matrix_url(url_name, args):
    """The address of a MATRIX entry: reversed from its name, or the entry's own address."""
    return url_name if url_name.startswith("/") else reverse(url_name, args=args)


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("url_name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_permission(url_name, persona, world, login):
    method, args, expected, data = MATRIX[url_name]
    client = login(persona)
    url = matrix_url(url_name, args(world))
    if callable(data):
        data = data(world)
    response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code == expected[persona], (
        f"{persona} {method.upper()} {url_name}: {response.status_code}, expected {expected[persona]}"
    )
    if response.status_code == 302 and persona == "anon" and url_name != "logout":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_superusers(persona, world, login):
    response = login(persona).get(reverse("admin:index"))
    assert response.status_code == (200 if persona == "admin" else 302)


# URLs posted to that also answer a GET: an irreversible step's confirmation page (where its button leads
# without JavaScript) and the agenda's "add here" form. Who may see that page, by persona.
ALSO_GET = {
    "meetings:publish": CELL_MANAGE,
    "meetings:close": CELL_MANAGE,
    "documents:minutes_adopt": RUN,
    "meetings:item_add": CELL_MANAGE,
    "meetings:guidance_publish": GUIDE_ACTION,
}
GET_CASES = [(name, persona) for name in ALSO_GET for persona in PERSONAS]


@pytest.mark.parametrize(("url_name", "persona"), GET_CASES, ids=[f"{n}-{p}" for n, p in GET_CASES])
def test_get_of_a_confirmation_or_form(url_name, persona, world, login):
    _method, args, _expected, _data = MATRIX[url_name]
    response = login(persona).get(matrix_url(url_name, args(world)))
    assert response.status_code == ALSO_GET[url_name][persona]


@pytest.mark.parametrize(
    "url_name", [n for n, (m, *_rest) in MATRIX.items() if m == "post" and n not in ALSO_GET]
)
def test_post_only_urls_refuse_get(url_name, world, login):
    _method, args, _expected, _data = MATRIX[url_name]
    assert login("admin").get(matrix_url(url_name, args(world))).status_code == 405


# --- search: every persona finds what it may read and nothing else ----------------------------------------

# Who reads each cell's record: Chi bộ A1 (its members, its committee, the officer and reviewer above) and
# Chi bộ B1 (its member, the outsider here, and the reviewer of the whole bloc).
FINDS_A1 = {"member", "fellow", "secretary", "officer", "reviewer", "admin"}
FINDS_B1 = {"outsider", "reviewer", "admin"}


def _searchable(world):
    from archive import index

    a1 = _live(world)
    Comment.objects.create(
        meeting=a1, speaker=world.member, text="Sửa nhà văn hóa ấp Mỹ Khánh trước mùa mưa."
    )
    b1, _created = plan_regular_meeting(cell=world.other_cell, period=timezone.localdate())
    Comment.objects.create(
        meeting=b1, speaker=world.outsider, text="Trạm bơm Phước Thới cần kinh phí sửa chữa."
    )
    index.reindex([a1.pk, b1.pk])


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_search_finds_only_what_the_persona_may_read(persona, world, login):
    _searchable(world)
    client = login(persona)

    def found(q):
        return "<mark>" in client.get(reverse("archive:search"), {"q": q}).content.decode()

    assert found("nha van hoa ap my khanh") == (persona in FINDS_A1)
    assert found("tram bom phuoc thoi") == (persona in FINDS_B1)
