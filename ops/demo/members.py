"""Demo data that retells the seed article (shared/SEED-ARTICLE.txt): the model cell meeting of
Chi bộ Điện - Điện tử - Viễn thông - Kỹ thuật cơ khí, under Đảng ủy Khối Cơ quan Dân Chính Đảng TP Cần Thơ.

Every persona of DESIGN.md section 1 gets a login; all share DEMO_PASSWORD.
"""

from __future__ import annotations

import datetime as dt
import functools
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from members.models import Member, Membership, Organization, Role, StatusPeriod, Supervision

DEMO_PASSWORD = "chibo-demo-2026"
ROOT_NAME = "Đảng ủy Khối Cơ quan Dân Chính Đảng TP Cần Thơ"
MODEL_CELL = "Chi bộ Điện - Điện tử - Viễn thông - Kỹ thuật cơ khí"
TERM = "2025–2030"
TERM_START = dt.date(2025, 7, 1)

K = Organization.Kind
TREE = [
    ("Chi bộ Cơ quan Đảng ủy Khối", K.GRASSROOTS_CELL, 3, []),
    (
        "Đảng bộ Trường Đại học Kỹ thuật - Công nghệ Cần Thơ",
        K.GRASSROOTS,
        None,
        [(MODEL_CELL, 5), ("Chi bộ Công nghệ thông tin", 6), ("Chi bộ Khối Văn phòng", 8)],
    ),
    (
        "Đảng bộ Bệnh viện Ung bướu Cần Thơ",
        K.GRASSROOTS,
        None,
        [("Chi bộ Kế hoạch - Tài chính", 10), ("Chi bộ Khoa Nội", 12), ("Chi bộ Khoa Ngoại", 12)],
    ),
    (
        "Đảng bộ Sở Nội vụ TP Cần Thơ",
        K.GRASSROOTS,
        None,
        [("Chi bộ Phòng Cải cách hành chính - Văn thư, lưu trữ", 4), ("Chi bộ Phòng Tổ chức - Biên chế", 4)],
    ),
]

# (name, gender, birth year, admitted, official?, role, login, note)
MODEL_CELL_MEMBERS = [
    ("Phạm Quốc Hùng", "male", 1975, dt.date(2001, 5, 19), True, Role.Kind.SECRETARY, "bithu.dien", ""),
    ("Trần Văn Lợi", "male", 1979, dt.date(2005, 3, 26), True, Role.Kind.DEPUTY, None, ""),
    ("Lê Thị Thu Trang", "female", 1984, dt.date(2009, 9, 2), True, Role.Kind.COMMITTEE, None, ""),
    ("Võ Thị Ngọc Hân", "female", 1988, dt.date(2012, 12, 22), True, None, "thuky.dien", ""),
    ("Nguyễn Hoàng Nam", "male", 1990, dt.date(2015, 2, 3), True, None, "dangvien.dien", ""),
    ("Đặng Minh Khoa", "male", 1982, dt.date(2008, 7, 27), True, None, None, ""),
    ("Huỳnh Thanh Tùng", "male", 1986, dt.date(2011, 4, 30), True, None, None, ""),
    ("Bùi Thị Kim Ngân", "female", 1991, dt.date(2016, 8, 19), True, None, None, ""),
    ("Lý Văn Sơn", "male", 1978, dt.date(2004, 10, 10), True, None, None, ""),
    ("Trương Quang Vinh", "male", 1993, dt.date(2018, 6, 1), True, None, None, "abroad"),
    ("Châu Ngọc Bích", "female", 1985, dt.date(2010, 1, 6), True, None, None, ""),
    ("Phan Thanh Hải", "male", 1980, dt.date(2006, 11, 20), True, None, None, ""),
    ("Đỗ Thị Hồng Nhung", "female", 1989, dt.date(2014, 3, 8), True, None, None, ""),
    ("Ngô Minh Trí", "male", 1992, dt.date(2019, 5, 15), True, None, None, ""),
    ("Tạ Văn Bảy", "male", 1962, dt.date(1988, 9, 2), True, None, None, "exempt"),
    ("Dương Thị Mỹ Duyên", "female", 1998, dt.date(2025, 11, 3), False, None, None, ""),
    ("Lâm Gia Huy", "male", 2000, dt.date(2026, 5, 19), False, None, None, ""),
]

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Phan",
    "Trương",
    "Bùi",
    "Đặng",
    "Đỗ",
    "Ngô",
    "Hồ",
    "Dương",
    "Lý",
    "Châu",
    "Lâm",
    "Tô",
]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Thanh", "Hoàng", "Đức", "Hữu", "Công", "Gia"]
MIDDLE_F = ["Thị", "Ngọc", "Thị Thu", "Thị Kim", "Thị Mỹ", "Thị Hồng", "Bảo"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hiếu",
    "Khang",
    "Long",
    "Lộc",
    "Nhân",
    "Phong",
    "Quang",
    "Tài",
    "Thắng",
    "Toàn",
    "Tuấn",
    "Việt",
]
GIVEN_F = [
    "Anh",
    "Châu",
    "Diễm",
    "Hạnh",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngọc",
    "Phương",
    "Thảo",
    "Trâm",
    "Uyên",
    "Vy",
    "Yến",
]

NAMED_SECRETARIES = {
    "Chi bộ Kế hoạch - Tài chính": ("Huỳnh Minh Thiện", "male", "bithu.khtc"),
    "Chi bộ Phòng Cải cách hành chính - Văn thư, lưu trữ": ("Nguyễn Thanh Nhanh", "male", None),
}
CELL_SIZES = {
    "Chi bộ Cơ quan Đảng ủy Khối": 9,
    "Chi bộ Công nghệ thông tin": 14,
    "Chi bộ Khối Văn phòng": 11,
    "Chi bộ Kế hoạch - Tài chính": 12,
    "Chi bộ Khoa Nội": 21,
    "Chi bộ Khoa Ngoại": 7,
    "Chi bộ Phòng Cải cách hành chính - Văn thư, lưu trữ": 8,
    "Chi bộ Phòng Tổ chức - Biên chế": 6,
}

# Login name → (persona, member name or None)
PERSONAS = [
    ("quantri", "administrator", None),
    ("vanphong.duk", "committee reviewer (Đảng ủy Khối)", "Trần Thị Mỹ Linh"),
    ("dauyvien.truong", "superior officer (Đảng ủy Trường)", "Lê Văn Phúc"),
    ("bithu.dien", "cell secretary (bí thư)", "Phạm Quốc Hùng"),
    ("thuky.dien", "meeting secretary (thư ký)", "Võ Thị Ngọc Hân"),
    ("dangvien.dien", "member (đảng viên)", "Nguyễn Hoàng Nam"),
    ("bithu.khtc", "secretary of another cell", "Huỳnh Minh Thiện"),
]


def seeds_once(model):
    """Makes `seed(root)`, which seeds a part of the demo under the demo tree's root, into `seed()`: run in one
    transaction and only once, so not when there is no demo tree or when `model` already has rows in its
    cells. It returns whether it seeded."""

    def decorate(seed_part):
        @functools.wraps(seed_part)
        @transaction.atomic
        def seed() -> bool:
            root = Organization.objects.filter(name=ROOT_NAME).first()
            if root is None or model.objects.filter(cell__path__startswith=root.path).exists():
                return False
            seed_part(root)
            return True

        return seed

    return decorate


def _login(username: str, member: Member | None = None, *, superuser: bool = False):
    User = get_user_model()
    user = User.objects.create_user(
        username=username, password=DEMO_PASSWORD, email=f"{username}@chibo.example"
    )
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    if member:
        member.user = user
        member.save(update_fields=["user"])
    return user


def _add_member(cell, rng, *, name=None, gender=None, birth_year=None, admitted=None, official=True):
    gender = gender or rng.choice(["male", "female"])
    if name is None:
        middle, given = (MIDDLE_M, GIVEN_M) if gender == "male" else (MIDDLE_F, GIVEN_F)
        name = f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}"
    birth_year = birth_year or rng.randint(1965, 1999)
    admitted = admitted or dt.date(
        min(birth_year + rng.randint(22, 35), 2024), rng.randint(1, 12), rng.randint(1, 28)
    )
    official_date = None
    if official:
        try:
            official_date = admitted.replace(year=admitted.year + 1)
        except ValueError:
            official_date = admitted.replace(year=admitted.year + 1, day=28)
    member = Member.objects.create(
        full_name=name,
        gender=gender,
        birth_date=dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28)),
        card_number=f"{rng.randint(10, 99)}.{rng.randint(100000, 999999)}",
        admission_decision_date=admitted - dt.timedelta(days=21),  # the ceremony follows the decision
        admission_date=admitted,
        official_date=official_date,
        status=Member.Status.OFFICIAL if official else Member.Status.PROBATIONARY,
        cell=cell,
        dues_category=Member.DuesCategory.SALARY,
        dues_basis=rng.randrange(6_000_000, 22_000_000, 50_000),
    )
    Membership.objects.create(member=member, cell=cell, started_on=admitted)
    return member


@transaction.atomic
def seed() -> bool:
    """Creates the demo tree once; returns False when it is already there (data is kept)."""
    if Organization.objects.filter(name=ROOT_NAME).exists():
        return False
    rng = random.Random(20231120)  # the article's date: the same demo on every machine
    add = Organization.objects.add_child
    root = Organization.objects.add_root(
        instance=Organization(name=ROOT_NAME, code="ĐUK", kind=K.BLOC, place="Cần Thơ")
    )
    cells = {}
    for name, kind, day, children in TREE:
        code = "CB" if kind == K.GRASSROOTS_CELL else "ĐU"
        node = add(
            root,
            instance=Organization(
                name=name, code=code, kind=kind, place="Cần Thơ", meeting_day=day, term=TERM
            ),
        )
        if kind == K.GRASSROOTS_CELL:
            cells[name] = node
        for cell_name, cell_day in children:
            cells[cell_name] = add(
                node,
                instance=Organization(
                    name=cell_name,
                    code="CB",
                    kind=K.CELL,
                    term=TERM,
                    place="Cần Thơ",
                    meeting_day=cell_day,
                    meeting_time=dt.time(14, 0),
                    meeting_place="Phòng họp " + cell_name.removeprefix("Chi bộ "),
                ),
            )
    _seed_model_cell(cells[MODEL_CELL], rng)
    _seed_other_cells(cells, rng)
    _seed_superiors(root, cells, rng)
    _login("quantri", superuser=True)
    return True


def _seed_model_cell(cell, rng):
    cell.meeting_place = "Phòng họp B1, Trường Đại học Kỹ thuật - Công nghệ Cần Thơ"
    cell.save(update_fields=["meeting_place"])
    for name, gender, year, admitted, official, role, login, note in MODEL_CELL_MEMBERS:
        member = _add_member(
            cell, rng, name=name, gender=gender, birth_year=year, admitted=admitted, official=official
        )
        member.position = (
            "Giảng viên" if not role else "Trưởng khoa" if role == Role.Kind.SECRETARY else "Giảng viên chính"
        )
        member.save(update_fields=["position"])
        if role:
            Role.objects.create(member=member, organization=cell, kind=role, term=TERM, starts_on=TERM_START)
        if login:
            _login(login, member)
        if note == "exempt":
            StatusPeriod.objects.create(
                member=member,
                kind=StatusPeriod.Kind.EXEMPT,
                starts_on=dt.date(2026, 1, 1),
                ends_on=None,  # exempt for old age until the cell decides otherwise; a fixed end would lapse
                reason="Tuổi cao, sức khỏe yếu; chi bộ đồng ý miễn sinh hoạt",
            )
            member.dues_category = Member.DuesCategory.PENSION
            member.save(update_fields=["dues_category"])
        if note == "abroad":
            StatusPeriod.objects.create(
                member=member,
                kind=StatusPeriod.Kind.ABROAD,
                starts_on=dt.date(2026, 9, 1),
                ends_on=dt.date(2028, 8, 31),
                reason="Nghiên cứu sinh tại Nhật Bản",
            )


def _seed_other_cells(cells, rng):
    for name, cell in cells.items():
        if name == MODEL_CELL:
            continue
        size = CELL_SIZES[name]
        members = []
        if name in NAMED_SECRETARIES:
            full, gender, login = NAMED_SECRETARIES[name]
            members.append(_add_member(cell, rng, name=full, gender=gender))
            if login:
                _login(login, members[0])
        while len(members) < size:
            official = rng.random() > 0.12
            admitted = None if official else dt.date(2026, rng.randint(1, 10), rng.randint(1, 28))
            members.append(_add_member(cell, rng, admitted=admitted, official=official))
        officials = [m for m in members if m.status == Member.Status.OFFICIAL]
        Role.objects.create(
            member=officials[0], organization=cell, kind=Role.Kind.SECRETARY, term=TERM, starts_on=TERM_START
        )
        if len(officials) > 8:
            Role.objects.create(
                member=officials[1], organization=cell, kind=Role.Kind.DEPUTY, term=TERM, starts_on=TERM_START
            )


def _seed_superiors(root, cells, rng):
    office = cells["Chi bộ Cơ quan Đảng ủy Khối"]
    tam = _add_member(office, rng, name="Nguyễn Minh Tâm", gender="male", birth_year=1970)
    Role.objects.create(
        member=tam, organization=root, kind=Role.Kind.SECRETARY, term=TERM, starts_on=TERM_START
    )
    linh = _add_member(office, rng, name="Trần Thị Mỹ Linh", gender="female", birth_year=1987)
    Role.objects.create(
        member=linh, organization=root, kind=Role.Kind.REVIEWER, term=TERM, starts_on=TERM_START
    )
    _login("vanphong.duk", linh)
    school = Organization.objects.get(name="Đảng bộ Trường Đại học Kỹ thuật - Công nghệ Cần Thơ")
    phuc = _add_member(
        cells["Chi bộ Khối Văn phòng"], rng, name="Lê Văn Phúc", gender="male", birth_year=1972
    )
    Role.objects.create(
        member=phuc, organization=school, kind=Role.Kind.COMMITTEE, term=TERM, starts_on=TERM_START
    )
    Supervision.objects.create(officer=phuc, cell=cells[MODEL_CELL], starts_on=TERM_START)
    _login("dauyvien.truong", phuc)
