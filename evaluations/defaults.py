"""The rubrics every organisation starts with, loaded by a data migration (sources: DOMAIN.md §3)."""

import datetime as dt

LEVELS = [
    {"code": "tot", "min": 90, "label": "Tốt"},
    {"code": "kha", "min": 70, "label": "Khá"},
    {"code": "tb", "min": 50, "label": "Trung bình"},
    {"code": "kem", "min": 0, "label": "Kém"},
]
BOOL = lambda points: [[1, points], [0, 0]]  # noqa: E731

# HD 42-era sheet, version 2 of DOMAIN.md §3.2: duration 5 · attendance 5 · preparation 10 · conduct 40 ·
# principles 5 · results of last resolution 30 · closing 5. The detail inside each group follows version 1
# (KH 08-KH/ĐU, Đảng ủy phường An Phú, 19/9/2025): attendance 4 by rate, +1 when no member was absent with
# reason more than 3 times in a row in the year. No "full marks needed for tốt" condition: only some
# committees add it (ĐUK Bình Thuận), with a version of their own (`local_version`).
HD42 = {
    "name": "Phiếu chấm điểm chất lượng sinh hoạt chi bộ (theo HD 42-HD/BTCTW)",
    "kind": "meeting",
    "effective_from": dt.date(2025, 10, 28),
    "source_number": "42-HD/BTCTW",
    "source_date": dt.date(2025, 10, 28),
    "source_issuer": "Ban Tổ chức Trung ương",
    "levels": LEVELS,
    "groups": [
        (
            "Thời gian sinh hoạt",
            [
                (
                    "duration",
                    "Thời lượng đạt mức tối thiểu (90 phút; 120 phút nếu sinh hoạt chuyên đề cùng buổi)",
                    5,
                    "duration_ratio",
                    [[1, 5], [0.83, 4], [0.66, 3], [0.5, 2], [0, 1]],
                    False,
                ),
            ],
        ),
        (
            "Tỷ lệ đảng viên dự họp",
            [
                (
                    "attendance",
                    "Tỷ lệ đảng viên dự họp (≥ 90%: tối đa)",
                    4,
                    "attendance_rate",
                    [[0.9, 4], [0.75, 3], [0.65, 2], [0, 1]],
                    False,
                ),
                (
                    "no_excused_streak",
                    "Không có đảng viên vắng có lý do quá 3 lần liên tiếp trong năm",
                    1,
                    "no_excused_streak",
                    BOOL(1),
                    False,
                ),
            ],
        ),
        (
            "Công tác chuẩn bị",
            [
                (
                    "committee_session",
                    "Chi ủy họp trước, có ghi biên bản",
                    3,
                    "committee_session",
                    BOOL(3),
                    False,
                ),
                (
                    "draft",
                    "Chuẩn bị nội dung, dự thảo kết luận / nghị quyết",
                    3,
                    "draft_resolution",
                    BOOL(3),
                    False,
                ),
                ("notice", "Thông báo cho đảng viên và cấp ủy viên cấp trên", 2, "published", BOOL(2), False),
                (
                    "documents",
                    "Tài liệu gửi đảng viên trước ít nhất 01 ngày",
                    2,
                    "published_days_ahead",
                    [[1, 2], [0, 0]],
                    False,
                ),
            ],
        ),
        (
            "Tổ chức sinh hoạt",
            [
                ("content", "Đúng trình tự, đủ nội dung thường kỳ (và chuyên đề nếu có)", 15, "", [], False),
                (
                    "criticism",
                    "Tự phê bình và phê bình; biểu dương, nhắc nhở đảng viên",
                    5,
                    "self_criticism",
                    [[1, 5], [0, 0]],
                    False,
                ),
                (
                    "participation",
                    "Đảng viên tham gia phát biểu (> 50% số có mặt: tối đa)",
                    10,
                    "speakers_share",
                    [[0.5, 10, "above"], [0.4, 8], [0.3, 6], [0, 4]],
                    False,
                ),
                ("facilitation", "Chủ trì điều hành dân chủ, gợi mở, kết luận rõ", 10, "", [], False),
            ],
        ),
        (
            "Nguyên tắc sinh hoạt Đảng",
            [
                (
                    "principles",
                    "Chấp hành nguyên tắc tập trung dân chủ, tự phê bình và phê bình",
                    5,
                    "",
                    [],
                    False,
                ),
            ],
        ),
        (
            "Kết quả thực hiện nghị quyết tháng trước",
            [
                (
                    "results",
                    "Tỷ lệ nhiệm vụ tháng trước hoàn thành",
                    30,
                    "previous_tasks_done",
                    [[0.9, 30], [0.8, 27], [0.7, 24], [0.6, 20], [0.5, 15], [0, 10]],
                    False,
                ),
            ],
        ),
        (
            "Kết thúc buổi sinh hoạt",
            [
                (
                    "resolution",
                    "Kết luận và biểu quyết thông qua nghị quyết",
                    2,
                    "resolution_adopted",
                    BOOL(2),
                    False,
                ),
                ("minutes", "Thông qua biên bản tại buổi sinh hoạt", 2, "minutes_adopted", BOOL(2), False),
                ("tasks", "Phân công nhiệm vụ có thời hạn", 1, "tasks_assigned", [[1, 1], [0, 0]], False),
            ],
        ),
    ],
}

# "Chi bộ bốn tốt": a common local version (Tiên Châu, Quảng Nam; monthly Đạt / Không đạt sheet, DOMAIN.md §3.4).
FOUR_GOOD = {
    "name": "Tự đánh giá “chi bộ bốn tốt” hằng tháng",
    "kind": "four_good",
    "effective_from": dt.date(2024, 2, 20),
    "source_number": "162-KH/ĐU",
    "source_date": dt.date(2024, 2, 20),
    "source_issuer": "Đảng ủy xã (mẫu địa phương)",
    "levels": [
        {"code": "dat", "min": 4, "label": "Đạt"},
        {"code": "chua_dat", "min": 0, "label": "Chưa đạt"},
    ],
    "groups": [
        (
            "Chi bộ bốn tốt",
            [
                ("political_tasks", "Lãnh đạo thực hiện tốt nhiệm vụ chính trị", 1, "", [], False),
                ("meeting_quality", "Sinh hoạt chi bộ có chất lượng tốt", 1, "", [], False),
                ("unity", "Đoàn kết, kỷ luật tốt", 1, "", [], False),
                ("members", "Đội ngũ cán bộ, đảng viên tốt", 1, "", [], False),
            ],
        ),
    ],
}


# The criteria a committee that adds the extra condition asks full marks on for tốt: attendance, duration,
# members' participation and the minutes (ĐUK Bình Thuận e-handbook, DOMAIN.md §3.2).
FULL_MARKS_FOR_TOP = ("duration", "attendance", "participation", "minutes")


# What each criterion's row above says, in order.
CRITERION_FIELDS = ("code", "name", "max_points", "fact", "scale", "required_for_top")


def load(Rubric, CriterionGroup, Criterion):
    for data in (HD42, FOUR_GOOD):
        if not Rubric.objects.filter(
            name=data["name"], effective_from=data["effective_from"], organization=None
        ).exists():
            create(Rubric, CriterionGroup, Criterion, data)


def create(Rubric, CriterionGroup, Criterion, data):
    """A national rubric from its data (a new row every time: a version, never an edit)."""
    groups = data["groups"]
    fields = {k: v for k, v in data.items() if k != "groups"}
    rubric = Rubric.objects.create(organization=None, **fields)
    for g, (group_name, criteria) in enumerate(groups, start=1):
        group = CriterionGroup.objects.create(rubric=rubric, position=g, name=group_name)
        Criterion.objects.bulk_create(
            Criterion(group=group, position=c, **dict(zip(CRITERION_FIELDS, row, strict=True)))
            for c, row in enumerate(criteria, start=1)
        )
    return rubric
