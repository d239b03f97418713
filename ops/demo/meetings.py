"""A year of meetings for every demo cell, and the seed article's model meeting (November 2026).

Cells differ on purpose, so the committee's dashboard has something to act on: one cell skips its chi ủy
session, one publishes late, one has no thematic meeting, one meets off its fixed day.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Max
from django.utils import timezone

from core.months import next_month
from documents import minutes
from meetings import agenda, dues, live, selfcriticism, services
from meetings.models import (
    AgendaItem,
    Attendance,
    Category,
    Comment,
    CommitteeSession,
    DuesEntry,
    Guest,
    Guidance,
    Meeting,
    SelfCriticismTurn,
    Task,
    Vote,
)
from members.models import Member, Organization, Role, Supervision
from ops.demo.members import MODEL_CELL, seeds_once

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
        period = next_month(period)


@seeds_once(Meeting)
def seed(root) -> None:
    rng = random.Random(5112026)
    cells = list(Organization.objects.under(root).cells().filter(meeting_day__isnull=False))
    for cell in cells:
        _seed_year(cell, HABITS.get(cell.name, DEFAULT_HABITS), rng)
    _seed_article_meeting(Organization.objects.get(name=MODEL_CELL))
    _seed_guidance(root)
    services.plan_next_month(today=ARTICLE_PERIOD.replace(day=25))


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
        _record_past(meeting, rng, habits)
        # Every meeting shown as adopted has its roll call, chair, meeting secretary and minutes.
        # Both present at the meeting: the committee member first in line chairs, a member writes.
        present = set(
            meeting.attendances.filter(status=Attendance.Status.PRESENT).values_list("member_id", flat=True)
        )
        here = [m for m in members if m.pk in present]
        chair = next((m for m in committee if m.pk in present), here[0])
        clerk = next((m for m in here if m not in committee and m != chair), None) or next(
            m for m in here if m != chair
        )
        if habits["thematic"] and period.month % 3 == 0:
            # Held in the same session, right after the regular meeting: its roll call, chair and
            # secretary are the session's; its content, number and minutes are its own.
            thematic = _adopted_meeting(
                cell,
                period,
                meeting.ended_at,
                minutes=35,
                published_at=meeting.published_at,
                kind=Meeting.Kind.THEMATIC,
                topic=rng.choice(THEMATIC_TOPICS),
                shares_session_with=meeting,
            )
            agenda.fill_agenda(thematic)
            Attendance.objects.bulk_create(live.session_roll(meeting, thematic))
            vote(thematic, at=thematic.ended_at)
            _adopt_past_minutes(meeting, rng, chair=chair, clerk=clerk)
            _adopt_past_minutes(thematic, rng, chair=chair, clerk=clerk)
        else:
            _adopt_past_minutes(meeting, rng, chair=chair, clerk=clerk)


def _adopted_meeting(cell, period, when, *, minutes, published_at, kind=Meeting.Kind.REGULAR, **fields):
    """A meeting held in the cell's usual place from `when`, `minutes` long, its minutes adopted."""
    return Meeting.objects.create(
        cell=cell,
        kind=kind,
        period=period,
        scheduled_at=when,
        place=cell.meeting_place,
        status=Meeting.Status.ADOPTED,
        published_at=published_at,
        started_at=when,
        ended_at=when + dt.timedelta(minutes=minutes),
        **fields,
    )


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
    meeting = _adopted_meeting(cell, period, when, minutes=duration, published_at=published)
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
    published = _at(dt.date(2026, 11, 3), dt.time(9, 30))
    meeting = _adopted_meeting(cell, ARTICLE_PERIOD, when, minutes=125, published_at=published)
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
    _record_article(meeting, people)
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


GENERIC_COMMENTS = [
    "Đề nghị bổ sung vào báo cáo kết quả thực hiện nhiệm vụ chuyên môn của đơn vị.",
    "Thống nhất với phương hướng, nhiệm vụ tháng tới; đề nghị phân công cụ thể người phụ trách.",
    "Đề nghị chi bộ quan tâm công tác phát triển đảng viên.",
    "Cần tăng cường nắm bắt tình hình tư tưởng của đảng viên và quần chúng.",
    "Đề nghị đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
    "Đề nghị rà soát việc thực hiện nghị quyết tháng trước.",
    "Đề xuất tổ chức sinh hoạt chuyên đề về chuyển đổi số trong đơn vị.",
]
HABIT_SPEAK = {MODEL_CELL: (0.5, 0.7), "Chi bộ Khoa Nội": (0.1, 0.25), "Chi bộ Khoa Ngoại": (0.1, 0.3)}


def _record_past(meeting, rng, habits):
    """Attendance, comments, votes and dues of a past meeting, drawn with the cell's habits."""
    day = timezone.localtime(meeting.scheduled_at).date()
    rows = live.draw_roll_call(meeting, day)
    absent_rate = 0.25 if habits["session"] < 0.6 else 0.08
    for row in rows:
        if row.status != Attendance.Status.PENDING:
            continue
        if row.exempt:
            row.status = Attendance.Status.EXCUSED if rng.random() < 0.8 else Attendance.Status.PRESENT
            row.reason = "Miễn sinh hoạt" if row.status == Attendance.Status.EXCUSED else ""
        elif rng.random() < absent_rate:
            unexcused = rng.random() < 0.3 * (habits["late"] + 0.1)
            row.status = Attendance.Status.UNEXCUSED if unexcused else Attendance.Status.EXCUSED
            row.reason = (
                "" if unexcused else rng.choice(["Đi công tác", "Ốm", "Việc gia đình", "Trực cơ quan"])
            )
        else:
            row.status = Attendance.Status.PRESENT
            row.checked_in_at = meeting.scheduled_at
    # However weak its habits, a cell that adopted its minutes had enough official members there to pass
    # the vote: a roll call drawn too thin gets members back, one at a time, until it would.
    away = [r for r in rows if r.official and not r.exempt and r.status != Attendance.Status.PRESENT]
    rng.shuffle(away)
    while away and not _tally(meeting, rows)[2]:
        row = away.pop()
        row.status, row.reason, row.checked_in_at = Attendance.Status.PRESENT, "", meeting.scheduled_at
    Attendance.objects.bulk_create(rows)
    present = [r for r in rows if r.status == Attendance.Status.PRESENT]
    low, high = HABIT_SPEAK.get(meeting.cell.name, (0.3, 0.55))
    speakers = rng.sample(present, k=max(1, round(len(present) * rng.uniform(low, high)))) if present else []
    items = list(meeting.agenda_items.filter(section__in=["report", "discussion"])) or list(
        meeting.agenda_items.all()[:1]
    )
    Comment.objects.bulk_create(
        Comment(
            meeting=meeting,
            speaker=row.member,
            agenda_item=rng.choice(items) if items else None,
            text=rng.choice(GENERIC_COMMENTS),
            created_at=meeting.scheduled_at + dt.timedelta(minutes=30 + i),
        )
        for i, row in enumerate(speakers + rng.sample(speakers, k=len(speakers) // 3))
    )
    resolution = f"Thông qua nghị quyết tháng {meeting.period:%m/%Y}"
    vote(meeting, at=meeting.ended_at, rows=rows, kind=Vote.Kind.RESOLUTION, question=resolution)
    vote(meeting, at=meeting.ended_at, rows=rows)
    entries = dues.ensure_ledger(
        cell=meeting.cell, period=meeting.period, members=[r.member for r in rows if not r.temporary_here]
    )
    for entry in entries:
        if entry.due and (rng.random() < 0.93 or entry.member_id in {r.member_id for r in present}):
            entry.paid, entry.method, entry.paid_on, entry.meeting = (
                entry.due,
                DuesEntry.Method.CASH,
                day,
                meeting,
            )
    DuesEntry.objects.bulk_update(entries, ["paid", "method", "paid_on", "meeting"])


ARTICLE_COMMENTS = [
    (
        "Trần Văn Lợi",
        "report",
        "opinion",
        "Bổ sung vào báo cáo tháng 10: kết quả hướng dẫn sinh viên nghiên cứu khoa học và công tác tuyển sinh của khoa.",
    ),
    (
        "Lê Thị Thu Trang",
        "report",
        "opinion",
        "Đề nghị báo cáo nêu rõ hơn những hạn chế trong công tác phát triển đảng viên tháng 10.",
    ),
    (
        "Đặng Minh Khoa",
        "discussion",
        "opinion",
        "Góp ý phương hướng tháng 11-2026: cần phân công cụ thể đảng viên phụ trách từng nhiệm vụ, có thời hạn hoàn thành.",
    ),
    (
        "Huỳnh Thanh Tùng",
        "discussion",
        "proposal",
        "Đề xuất chi bộ đăng ký thực hiện mô hình “chi bộ bốn tốt” ngay từ tháng 11.",
    ),
    (
        "Huỳnh Thanh Tùng",
        "discussion",
        "opinion",
        "Mỗi tiêu chí “bốn tốt” nên có chỉ tiêu đo được để chi bộ tự đánh giá hằng tháng.",
    ),
    (
        "Nguyễn Hoàng Nam",
        "discussion",
        "proposal",
        "Đề nghị chi ủy nắm bắt tình hình tư tưởng chính trị của đảng viên đã và đang học tập ở nước ngoài.",
    ),
    (
        "Nguyễn Hoàng Nam",
        "discussion",
        "opinion",
        "Có thể giữ liên lạc định kỳ qua thư điện tử với đồng chí Vinh đang học tập tại Nhật Bản.",
    ),
    (
        "Lý Văn Sơn",
        "discussion",
        "opinion",
        "Công tác phát triển đảng viên trong sinh viên cần bồi dưỡng quần chúng ưu tú từ năm thứ hai.",
    ),
    (
        "Võ Thị Ngọc Hân",
        "discussion",
        "proposal",
        "Đổi mới hoạt động nêu gương, kết hợp chất vấn trong sinh hoạt chi bộ để nâng cao chất lượng.",
    ),
    (
        "Châu Ngọc Bích",
        "discussion",
        "question",
        "Xin đồng chí chủ trì cho biết kế hoạch tập huấn phòng cháy chữa cháy cho sinh viên nội trú?",
    ),
    (
        "Phan Thanh Hải",
        "discussion",
        "opinion",
        "Đề nghị nâng cao ý thức phòng cháy chữa cháy tại các phòng thí nghiệm và ký túc xá.",
    ),
    (
        "Đỗ Thị Hồng Nhung",
        "discussion",
        "opinion",
        "Cần giáo dục văn hóa ứng xử trên mạng xã hội đối với sinh viên, đảng viên phải gương mẫu.",
    ),
    (
        "Lê Thị Thu Trang",
        "recognition",
        "opinion",
        "Đồng chí Dương Thị Mỹ Duyên hoàn thành tốt nhiệm vụ trong thời gian dự bị; đề nghị chi bộ xét công nhận chính thức.",
    ),
]


def _record_article(meeting, people):
    """The model meeting as the article tells it: 17 members, 10 speakers, 13 comments, one recognition."""
    rows = live.draw_roll_call(meeting, dt.date(2026, 11, 5))
    for row in rows:
        name = row.member.full_name
        if row.status != Attendance.Status.PENDING:
            continue
        if name == "Tạ Văn Bảy":
            row.status, row.reason = Attendance.Status.EXCUSED, "Miễn sinh hoạt, sức khỏe yếu"
        elif name == "Bùi Thị Kim Ngân":
            row.status, row.reason = Attendance.Status.EXCUSED, "Đi công tác tại Hà Nội"
        else:
            row.status, row.checked_in_at = Attendance.Status.PRESENT, meeting.scheduled_at
            row.self_checked_in = name in ("Nguyễn Hoàng Nam", "Võ Thị Ngọc Hân", "Lý Văn Sơn")
    Attendance.objects.bulk_create(rows)
    Guest.objects.create(
        meeting=meeting,
        member=people["officer"],
        name=people["officer"].full_name,
        position="Đảng ủy viên Đảng bộ Trường, phụ trách chi bộ",
        is_superior_officer=True,
    )
    members = {m.full_name: m for m in Member.objects.filter(cell=meeting.cell)}
    items = {i.section: i for i in meeting.agenda_items.all()}
    Comment.objects.bulk_create(
        Comment(
            meeting=meeting,
            speaker=members[name],
            agenda_item=items[section],
            kind=kind,
            text=text,
            created_at=meeting.scheduled_at + dt.timedelta(minutes=40 + 3 * i),
            answer="Đoàn trường sẽ phối hợp Phòng Công tác sinh viên tập huấn trong tháng 12."
            if kind == "question"
            else "",
            answered_at=meeting.scheduled_at + dt.timedelta(minutes=75) if kind == "question" else None,
        )
        for i, (name, section, kind, text) in enumerate(ARTICLE_COMMENTS)
    )
    q = live.Quorum.of(Attendance.objects.filter(meeting=meeting).select_related("member"))
    duyen = members["Dương Thị Mỹ Duyên"]
    at = meeting.scheduled_at + dt.timedelta(minutes=80)
    Vote.objects.create(
        meeting=meeting,
        agenda_item=items["recognition"],
        kind=Vote.Kind.RECOGNITION,
        subject=duyen,
        question="Công nhận đồng chí Dương Thị Mỹ Duyên là đảng viên chính thức",
        method=Vote.Method.TOTALS,
        votes_for=q.eligible,
        eligible=q.eligible,
        base=q.official,
        recorded_at=at,
        passed=live.rules.recognition_passes(meeting.rules, votes_for=q.eligible, official=q.official),
        rule=f"≥ 2/3 / {q.official} ({meeting.rules.name})",
    )
    duyen.recognition_proposed_on = dt.date(2026, 11, 5)
    duyen.save(update_fields=["recognition_proposed_on"])
    for kind, question, after in (
        (Vote.Kind.RESOLUTION, "Thông qua nghị quyết chi bộ tháng 11-2026", 110),
        (Vote.Kind.MINUTES, "Thông qua biên bản sinh hoạt chi bộ tháng 11-2026", 122),
    ):
        Vote.objects.create(
            meeting=meeting,
            agenda_item=items["conclusion" if kind == Vote.Kind.RESOLUTION else "minutes"],
            kind=kind,
            question=question,
            votes_for=q.eligible,
            eligible=q.eligible,
            base=q.adjusted,
            passed=live.rules.resolution_passes(meeting.rules, votes_for=q.eligible, adjusted=q.adjusted),
            rule=f"> 1/2 / {q.adjusted} ({meeting.rules.name})",
            recorded_at=meeting.scheduled_at + dt.timedelta(minutes=after),
        )
    Meeting.objects.filter(pk=meeting.pk).update(chair=people["secretary"], clerk=people["clerk"])
    for title, who, due in (
        ("Xây dựng kế hoạch thực hiện mô hình “chi bộ bốn tốt”", "Phạm Quốc Hùng", dt.date(2026, 11, 30)),
        ("Lập danh sách quần chúng ưu tú trong sinh viên để bồi dưỡng", "Lý Văn Sơn", dt.date(2026, 12, 15)),
        (
            "Hoàn thiện hồ sơ đề nghị công nhận đảng viên chính thức gửi Đảng ủy Trường",
            "Lê Thị Thu Trang",
            dt.date(2026, 11, 12),
        ),
    ):
        Task.objects.create(meeting=meeting, title=title, assignee=members[who], due_on=due)
    Task.objects.filter(meeting=meeting, assignee=members["Lê Thị Thu Trang"]).update(
        status=Task.Status.DONE, done_on=dt.date(2026, 11, 10)
    )
    selfcriticism.plan_year(cell=meeting.cell, year=2026)
    for name, summary in (
        ("Đặng Minh Khoa", "Tự nhận còn chậm nộp báo cáo chuyên môn; hứa khắc phục trong tháng 11."),
        (
            "Châu Ngọc Bích",
            "Tự phê bình chưa tích cực tham gia hoạt động đoàn thể; chi bộ góp ý cần chủ động hơn.",
        ),
    ):
        SelfCriticismTurn.objects.update_or_create(
            member=members[name],
            period=ARTICLE_PERIOD,
            defaults={"cell": meeting.cell, "meeting": meeting, "summary": summary, "done": True},
        )
    _adopt_article_minutes(meeting, items)
    entries = dues.ensure_ledger(cell=meeting.cell, period=ARTICLE_PERIOD, members=[r.member for r in rows])
    for entry in entries:
        if entry.due and entry.member.full_name != "Bùi Thị Kim Ngân":
            online = entry.member.full_name == "Trương Quang Vinh"
            entry.paid, entry.paid_on, entry.meeting = entry.due, dt.date(2026, 11, 5), meeting
            entry.method = DuesEntry.Method.ONLINE if online else DuesEntry.Method.CASH
    DuesEntry.objects.bulk_update(entries, ["paid", "method", "paid_on", "meeting"])


PAST_CONCLUSIONS = [
    "Chi bộ thống nhất tập trung hoàn thành kế hoạch giảng dạy, học tập của học kỳ; phân công đảng viên theo dõi, "
    "giúp đỡ sinh viên có hoàn cảnh khó khăn.",
    "Chi bộ thống nhất đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; mỗi đảng viên đăng ký "
    "một việc làm cụ thể trong tháng.",
    "Chi bộ thống nhất chuẩn bị tốt công tác thi kết thúc học phần; nhắc đảng viên đóng đảng phí đúng hạn.",
    "Chi bộ thống nhất giới thiệu quần chúng ưu tú trong sinh viên để bồi dưỡng, phát triển đảng viên.",
]


def _tally(meeting, rows):
    """(voters, adjusted official membership, passes) when every official member present votes for."""
    voters = sum(1 for r in rows if r.may_vote)
    adjusted = live.rules.adjusted_official_membership([r.seat for r in rows])
    return voters, adjusted, live.rules.resolution_passes(meeting.rules, votes_for=voters, adjusted=adjusted)


def carried(meeting, kind: str, question: str, voters: int, adjusted: int, *, at) -> Vote:
    """A vote (not saved) in which every official member present votes for, counted by the cell's rule as
    `live.record_vote` counts it: the demo's votes and seed_scale's."""
    meeting_rules = meeting.rules
    return Vote(
        meeting=meeting,
        kind=kind,
        question=question,
        votes_for=voters,
        eligible=voters,
        base=adjusted,
        passed=live.rules.resolution_passes(meeting_rules, votes_for=voters, adjusted=adjusted),
        rule=meeting_rules.name,
        recorded_at=at,
    )


def vote(meeting, *, at, rows=None, kind=Vote.Kind.MINUTES, question="Thông qua biên bản"):
    """Every official member present votes for (the minutes, unless told otherwise)."""
    voters, adjusted, _passes = _tally(meeting, rows if rows is not None else list(meeting.attendances.all()))
    made = carried(meeting, kind, question, voters, adjusted, at=at)
    made.save()
    return made


def _adopt_past_minutes(meeting, rng, *, chair, clerk):
    """A past meeting left adopted minutes, as real ones do: chair, secretary, the secretary's text, a
    number and a locked version dated at the close; the cell's minutes book holds the year."""
    meeting.chair, meeting.clerk = chair, clerk
    meeting.save(update_fields=["chair", "clerk"])
    if meeting.kind == Meeting.Kind.THEMATIC:
        conclusion = (
            f"Chi bộ thống nhất các nội dung của chuyên đề “{meeting.topic}”; mỗi đảng viên liên hệ bản thân, "
            "đăng ký việc làm cụ thể."
        )
    else:
        conclusion = rng.choice(PAST_CONCLUSIONS)
    opening = f"Đồng chí {chair.full_name} chủ trì, tuyên bố lý do; chi bộ cử đồng chí {clerk.full_name} làm thư ký."
    record = minutes.Minutes.objects.create(
        meeting=meeting,
        notes={"opening": opening, "conclusion": conclusion},
        votes_until=meeting.votes.aggregate(m=Max("pk"))["m"],
    )
    minutes.number_for(meeting, minutes.DocumentNumber.Kind.MINUTES)
    version = minutes._new_version(record, by=None, reason="")
    minutes.MinutesVersion.objects.filter(pk=version.pk).update(created_at=meeting.ended_at)


def _adopt_article_minutes(meeting, items):
    """The meeting secretary's text, adopted at the meeting: the minutes are locked as version 1."""
    meeting.refresh_from_db()
    notes = {
        "opening": "Đồng chí Phạm Quốc Hùng, Bí thư Chi bộ, tuyên bố lý do, giới thiệu đại biểu Đảng ủy Trường "
        "dự sinh hoạt chi bộ mẫu theo chỉ đạo của Ban Thường vụ Đảng ủy Khối; chi bộ cử đồng chí Võ Thị Ngọc Hân làm thư ký.",
        str(
            items["report"].pk
        ): "Đồng chí Bí thư trình bày báo cáo kết quả thực hiện nhiệm vụ tháng 10 và phương hướng, "
        "nhiệm vụ tháng 11-2026 của chi bộ.",
        str(
            items["superior"].pk
        ): "Đồng chí Lê Văn Phúc, Đảng ủy viên phụ trách chi bộ, ghi nhận chi bộ chuẩn bị chu đáo; "
        "đề nghị giảm nội dung chuyên môn, tăng thời lượng sinh hoạt tư tưởng và nêu gương.",
        "conclusion": "Chi bộ thống nhất: triển khai mô hình “chi bộ bốn tốt”; nắm tình hình tư tưởng đảng viên học tập ở nước ngoài; "
        "đẩy mạnh phát triển đảng viên trong sinh viên; tuyên truyền phòng cháy chữa cháy và văn hóa ứng xử trên mạng xã hội. "
        "Chi bộ tự chấm điểm chất lượng buổi sinh hoạt; tỷ lệ dự họp chưa đạt 90% nên xếp loại khá.",
    }
    record = minutes.Minutes.objects.create(
        meeting=meeting, notes=notes, votes_until=meeting.votes.aggregate(m=Max("pk"))["m"]
    )
    minutes.number_for(meeting, minutes.DocumentNumber.Kind.MINUTES)
    minutes.number_for(meeting, minutes.DocumentNumber.Kind.RESOLUTION)
    version = minutes._new_version(record, by=None, reason="")
    minutes.MinutesVersion.objects.filter(pk=version.pk).update(created_at=meeting.ended_at)
