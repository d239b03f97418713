"""A year of meetings for every demo cell, and the seed article's model meeting (November 2026).

Cells differ on purpose, so the committee's dashboard has something to act on: one cell skips its chi ủy
session, one publishes late, one has no thematic meeting, one meets off its fixed day.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from members.demo import MODEL_CELL, ROOT_NAME
from members.models import Member, Organization, Role, Supervision

from . import agenda, services
from .models import AgendaItem, Category, CommitteeSession, Guidance, Meeting

ARTICLE_PERIOD = dt.date(2026, 11, 1)
FIRST_PERIOD = dt.date(2025, 12, 1)

# Cell name -> its habits (missing committee sessions, late publishing, thematic meetings, off-day)
HABITS = {
    MODEL_CELL: {"session": 1.0, "late": 0.0, "thematic": True, "offday": 0.0},
    "Chi bộ Kế hoạch - Tài chính": {"session": 0.9, "late": 0.1, "thematic": True, "offday": 0.1},
    "Chi bộ Khoa Nội": {"session": 0.5, "late": 0.4, "thematic": False, "offday": 0.3},
    "Chi bộ Khoa Ngoại": {"session": 0.3, "late": 0.6, "thematic": False, "offday": 0.5},
    "Chi bộ Phòng Cải cách hành chính - Văn thư, lưu trữ": {
        "session": 0.95,
        "late": 0.05,
        "thematic": True,
        "offday": 0.0,
    },
}
DEFAULT_HABITS = {"session": 0.8, "late": 0.2, "thematic": True, "offday": 0.15}

THEMATIC_TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về nêu gương",
    "Xây dựng mô hình “chi bộ bốn tốt”",
    "Phòng, chống suy thoái tư tưởng chính trị, “tự diễn biến”, “tự chuyển hóa”",
    "Văn hóa ứng xử trên mạng xã hội của đảng viên và sinh viên",
]

# The seed article's meeting: the programme the Đảng ủy Khối watched (SEED-ARTICLE.txt).
ARTICLE_AGENDA = [
    (
        "opening",
        "Khai mạc: tuyên bố lý do, giới thiệu đại biểu, cử thư ký, điểm danh",
        5,
        Category.PARTY,
        "secretary",
        "",
    ),
    (
        "news",
        "Thông tin thời sự trong nước, quốc tế và của thành phố Cần Thơ",
        10,
        Category.PARTY,
        "deputy",
        "",
    ),
    (
        "directives",
        "Phổ biến chủ trương, văn bản của Đảng, Nhà nước và của Đảng ủy Khối",
        10,
        Category.PARTY,
        "committee",
        "",
    ),
    (
        "report",
        "Báo cáo kết quả thực hiện nhiệm vụ tháng 10 và phương hướng, nhiệm vụ tháng 11-2026",
        15,
        Category.PROFESSIONAL,
        "secretary",
        "Kết quả giảng dạy, nghiên cứu khoa học của khoa; công tác phát triển đảng viên trong sinh viên; chuẩn bị kiểm định chương trình đào tạo.",
    ),
    (
        "discussion",
        "Đảng viên phát biểu ý kiến, trao đổi, thảo luận",
        25,
        Category.PARTY,
        "secretary",
        "Bổ sung báo cáo tháng 10; góp ý phương hướng tháng 11; mô hình “chi bộ bốn tốt”; tình hình tư tưởng đảng viên học tập ở nước ngoài; phát triển đảng viên trong sinh viên; phòng cháy chữa cháy; văn hóa ứng xử trên mạng xã hội.",
    ),
    (
        "recognition",
        "Xét công nhận đảng viên chính thức cho đồng chí Dương Thị Mỹ Duyên",
        10,
        Category.PARTY,
        "committee",
        "",
    ),
    ("self_criticism", "Tự phê bình và phê bình xoay vòng", 20, Category.PARTY, "secretary", ""),
    ("superior", "Phát biểu của đồng chí đảng ủy viên phụ trách chi bộ", 10, Category.PARTY, "officer", ""),
    (
        "conclusion",
        "Kết luận của chủ trì; biểu quyết thông qua nghị quyết tháng 11-2026",
        5,
        Category.PARTY,
        "secretary",
        "",
    ),
    ("evaluation", "Đánh giá chất lượng buổi sinh hoạt chi bộ", 5, Category.PARTY, "deputy", ""),
    (
        "minutes",
        "Thư ký trình bày biên bản; chi bộ biểu quyết thông qua biên bản",
        5,
        Category.PARTY,
        "clerk",
        "",
    ),
    ("dues", "Thu nộp đảng phí", 5, Category.PARTY, "committee", ""),
]


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _periods():
    period = FIRST_PERIOD
    while period <= ARTICLE_PERIOD:
        yield period
        period = services.next_month(period)


@transaction.atomic
def seed() -> bool:
    root = Organization.objects.filter(name=ROOT_NAME).first()
    if root is None or Meeting.objects.filter(cell__path__startswith=root.path).exists():
        return False
    rng = random.Random(5112026)
    cells = list(Organization.objects.under(root).cells().filter(meeting_day__isnull=False))
    for cell in cells:
        _seed_year(cell, HABITS.get(cell.name, DEFAULT_HABITS), rng)
    _seed_article_meeting(Organization.objects.get(name=MODEL_CELL))
    _seed_guidance(root)
    services.plan_next_month(today=ARTICLE_PERIOD.replace(day=25))
    return True


def _seed_year(cell, habits, rng):
    members = list(Member.objects.filter(cell=cell))
    committee = [
        r.member for r in Role.objects.filter(organization=cell).select_related("member")
    ] or members[:1]
    for period in _periods():
        if cell.name == MODEL_CELL and period == ARTICLE_PERIOD:
            continue
        day = cell.meeting_day + (rng.randint(1, 6) if rng.random() < habits["offday"] else 0)
        when = _at(period.replace(day=min(day, 28)), cell.meeting_time or dt.time(14, 0))
        meeting = _past_meeting(cell, period, when, habits, rng, committee)
        if habits["thematic"] and period.month % 3 == 0:
            thematic = Meeting.objects.create(
                cell=cell,
                kind=Meeting.Kind.THEMATIC,
                period=period,
                topic=rng.choice(THEMATIC_TOPICS),
                scheduled_at=when + dt.timedelta(minutes=95),
                place=cell.meeting_place,
                shares_session_with=meeting,
                status=Meeting.Status.ADOPTED,
                published_at=meeting.published_at,
                started_at=when + dt.timedelta(minutes=95),
                ended_at=when + dt.timedelta(minutes=130),
            )
            agenda.fill_agenda(thematic)


def _past_meeting(cell, period, when, habits, rng, committee):
    late = rng.random() < habits["late"]
    published = when - (
        dt.timedelta(hours=rng.randint(2, 20)) if late else dt.timedelta(days=rng.randint(1, 5))
    )
    duration = (
        rng.choice([75, 90, 95, 100, 110, 120])
        if habits is not HABITS.get(MODEL_CELL)
        else rng.choice([100, 110, 120])
    )
    meeting = Meeting.objects.create(
        cell=cell,
        kind=Meeting.Kind.REGULAR,
        period=period,
        scheduled_at=when,
        place=cell.meeting_place,
        status=Meeting.Status.ADOPTED,
        published_at=published,
        started_at=when,
        ended_at=when + dt.timedelta(minutes=duration),
    )
    agenda.fill_agenda(meeting)
    meeting.events.create(action="publish", at=published)
    if rng.random() < habits["session"]:
        session = CommitteeSession.objects.create(
            meeting=meeting,
            held_on=(when - dt.timedelta(days=rng.randint(3, 10))).date(),
            content=f"Thống nhất nội dung sinh hoạt chi bộ tháng {period:%m/%Y}; đánh giá kết quả tháng trước.",
            focus="Tình hình tư tưởng đảng viên; nhiệm vụ chính trị tháng tới.",
        )
        session.attendees.set(committee)
    return meeting


def _seed_article_meeting(cell):
    """Chi bộ Điện - Điện tử - Viễn thông - Kỹ thuật cơ khí, 05/11/2026: the model meeting of the article."""
    roles = {r.kind: r.member for r in Role.objects.filter(organization=cell).select_related("member")}
    officer = Supervision.objects.filter(cell=cell).select_related("officer").first().officer
    people = {
        "secretary": roles[Role.Kind.SECRETARY],
        "deputy": roles[Role.Kind.DEPUTY],
        "committee": roles[Role.Kind.COMMITTEE],
        "officer": officer,
        "clerk": Member.objects.get(cell=cell, full_name="Võ Thị Ngọc Hân"),
    }
    when = _at(dt.date(2026, 11, 5), dt.time(14, 0))
    meeting = Meeting.objects.create(
        cell=cell,
        kind=Meeting.Kind.REGULAR,
        period=ARTICLE_PERIOD,
        scheduled_at=when,
        place=cell.meeting_place,
        status=Meeting.Status.ADOPTED,
        published_at=_at(dt.date(2026, 11, 3), dt.time(9, 30)),
        started_at=when,
        ended_at=when + dt.timedelta(minutes=125),
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=i,
            section=section,
            title=title,
            planned_minutes=minutes,
            category=category,
            presenter=people[who],
            text=text,
        )
        for i, (section, title, minutes, category, who, text) in enumerate(ARTICLE_AGENDA, start=1)
    )
    session = CommitteeSession.objects.create(
        meeting=meeting,
        held_on=dt.date(2026, 10, 29),
        content="Thống nhất nội dung sinh hoạt chi bộ mẫu tháng 11-2026 theo Hướng dẫn của Đảng ủy Khối; "
        "phân công đồng chí Phó Bí thư chuẩn bị thông tin thời sự, đồng chí chi ủy viên chuẩn bị hồ sơ công nhận đảng viên chính thức.",
        focus="Giảm nội dung chuyên môn, tập trung công tác xây dựng Đảng; khuyến khích đảng viên phát biểu; "
        "đổi mới hoạt động nêu gương kết hợp chất vấn.",
        draft_resolution="Dự thảo nghị quyết tháng 11-2026: tiếp tục thực hiện mô hình “chi bộ bốn tốt”; "
        "nắm tình hình tư tưởng đảng viên học tập ở nước ngoài; phát triển đảng viên trong sinh viên.",
    )
    session.attendees.set([people["secretary"], people["deputy"], people["committee"]])
    for action, at in (
        ("plan", _at(dt.date(2026, 10, 20), dt.time(8, 0))),
        ("publish", meeting.published_at),
    ):
        meeting.events.create(action=action, at=at)


def _seed_guidance(root):
    Guidance.objects.create(
        organization=root,
        period=dt.date(2026, 12, 1),
        published_at=_at(dt.date(2026, 11, 20), dt.time(10, 0)),
        title="Định hướng sinh hoạt chi bộ tháng 12/2026: kiểm điểm, đánh giá, xếp loại chất lượng năm 2026",
        text="Các chi bộ dành thời gian quán triệt hướng dẫn kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng "
        "và đảng viên năm 2026 theo Quy định 366-QĐ/TW; rà soát việc thực hiện nghị quyết chi bộ năm 2026.",
        planned_minutes=15,
    )
