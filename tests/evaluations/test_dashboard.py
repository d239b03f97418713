"""The committee's dashboard: every cell below, sortable and filterable, the level distribution, the trend, the
alerts by name, drill-down to the cell and the meeting, XLSX and PDF exports, a fixed number of queries.

The clock stands at 10/01/2027: December 2026 (the last month of the fourth quarter) is over. Nine cells, each
with one failure, except Chi bộ Mẫu mực which has none.
"""

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from evaluations import indicators, services
from evaluations.models import Evaluation, Rubric
from meetings.models import DuesEntry, Meeting
from members.models import Member, Organization

from ..conftest import require_service
from ..factories import MemberFactory
from .conftest import (
    DECEMBER,
    NOVEMBER,
    OCTOBER,
    at,
    hold,
    members_of,
    new_cell,
    professional_item,
    roll,
    session,
    speak,
    text,
    vi,
)

LEVELS = [(90, "tot", "Tốt"), (70, "kha", "Khá"), (50, "tb", "Trung bình"), (0, "kem", "Kém")]


def month(cell, members, period, *, present=10, speakers=6, with_session=True, professional=0, score=None):
    meeting = hold(cell, period)
    roll(meeting, present=members[:present], excused=members[present:])
    speak(meeting, members[:speakers])
    if with_session:
        session(meeting)
    if professional:
        professional_item(meeting, professional)
    if score is not None:
        _minimum, code, label = next(level for level in LEVELS if score >= level[0])
        Evaluation.objects.create(
            meeting=meeting,
            rubric=Rubric.objects.get(kind=Rubric.Kind.MEETING, organization=None),
            total=Decimal(score),
            level=code,
            level_label=label,
            adopted_at=meeting.ended_at,  # only an adopted score reaches the dashboard
        )
    return meeting


def thematic(cell):
    Meeting.objects.create(
        cell=cell,
        kind=Meeting.Kind.THEMATIC,
        topic="Chuyên đề quý IV",
        period=OCTOBER,
        scheduled_at=at(2026, 10, 5, 16, 0),
        status=Meeting.Status.CLOSED,
    )


# name -> (branch, alerts expected, December score)
CELLS = {
    "Chi bộ Mẫu mực": ("a", set(), 95),
    "Chi bộ Vắng họp": ("a", {"no meeting this month"}, None),
    "Chi bộ Thiếu chi ủy": ("a", {"no committee session"}, 85),
    "Chi bộ Ít người dự": ("b", {"attendance under the threshold"}, 72),
    "Chi bộ Ít phát biểu": ("b", {"few speakers"}, 65),
    "Chi bộ Nặng chuyên môn": ("b", {"professional work crowding out party building"}, 45),
    "Chi bộ Chưa chuyên đề": ("b", {"no thematic meeting this quarter"}, 92),
    "Chi bộ Có người vi phạm": ("a", {"members absent without reason or unpaid in 3 months of the year"}, 91),
    "Chi bộ Chậm công nhận": ("b", {"overdue recognition vote"}, 80),
}

# Members present of ten (the others excused); 90% is still enough.
PRESENT = {"Chi bộ Ít người dự": 8, "Chi bộ Thiếu chi ủy": 9, "Chi bộ Chưa chuyên đề": 9}


@pytest.fixture
def december(world, clock):
    clock.set(at(2027, 1, 10, 9, 0))
    cells, meetings = {}, {}
    for name, (branch, _alerts, score) in CELLS.items():
        cell = new_cell(world.branch_a if branch == "a" else world.branch_b, name, meeting_day=5)
        members = members_of(cell, 10, admission_date=dt.date(2000, 1, 1))
        cells[name] = cell
        if name != "Chi bộ Chưa chuyên đề":
            thematic(cell)
        if name == "Chi bộ Vắng họp":
            continue
        meetings[name] = month(
            cell,
            members,
            DECEMBER,
            present=PRESENT.get(name, 10),
            speakers=2 if name == "Chi bộ Ít phát biểu" else 6,
            with_session=name != "Chi bộ Thiếu chi ủy",
            professional=100 if name == "Chi bộ Nặng chuyên môn" else 0,
            score=score,
        )
        if name == "Chi bộ Có người vi phạm":
            for period in (dt.date(2026, 9, 1), OCTOBER, NOVEMBER):
                DuesEntry.objects.create(member=members[0], cell=cell, period=period, due=60_000, paid=0)
        if name == "Chi bộ Chậm công nhận":
            MemberFactory(
                full_name="Nguyễn Văn Dự Bị",
                cell=cell,
                status=Member.Status.PROBATIONARY,
                official_date=None,
                admission_date=dt.date(2025, 6, 1),
            )
    # Earlier months of the model cell, for the trend.
    model = cells["Chi bộ Mẫu mực"]
    model_members = list(model.members.all())
    meetings["Mẫu mực 10"] = month(model, model_members, OCTOBER, score=80)
    meetings["Mẫu mực 11"] = month(model, model_members, NOVEMBER, score=86)
    mine = list(cells.values())
    for period in (OCTOBER, NOVEMBER, DECEMBER):
        indicators.refresh(period, mine)
    return cells, meetings


def dashboard(client, organization, **params):
    params.setdefault("period", "2026-12")
    return client.get(reverse("evaluations:dashboard", args=[organization.pk]), params)


def table(response) -> list[list[str]]:
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def names(response) -> list[str]:
    return [row[0] for row in table(response)]


def alert_list(response) -> dict[str, set[str]]:
    html = response.content.decode()
    if 'id="alerts-title"' not in html:
        return {}
    section = html.split('id="alerts-title"', 1)[1].split("</section>", 1)[0]
    found = {}
    for item in re.findall(r"<li[^>]*>(.*?)</li>", section, re.S):
        name = unescape(re.search(r"<a [^>]*>(.*?)</a>", item).group(1)).strip()
        found[name] = {
            unescape(b).strip() for b in re.findall(r'<span class="badge[^"]*">(.*?)</span>', item)
        }
    return found


def test_a_reviewer_sees_every_cell_below(december, login, world):
    response = dashboard(login("reviewer"), world.root)

    assert response.status_code == 200
    assert sorted(names(response)) == sorted(CELLS)
    page = text(response)
    assert "12/2026" in page


def test_the_alert_list_names_each_cells_failures(december, login, world):
    found = alert_list(dashboard(login("reviewer"), world.root))

    expected = {name: {vi(a) for a in alerts} for name, (_b, alerts, _s) in CELLS.items() if alerts}
    assert found == expected
    assert "Chi bộ Mẫu mực" not in found
    page = text(dashboard(login("reviewer"), world.root))
    with translation.override("vi"):
        heading = ngettext("%(counter)s cell needs attention", "%(counter)s cells need attention", 8)
    assert heading % {"counter": 8} in page


def test_the_level_distribution_counts_the_cells(december, login, world):
    html = dashboard(login("reviewer"), world.root).content.decode()

    # Tốt: Mẫu mực 95, Chưa chuyên đề 92, Có người vi phạm 91; Khá: 85, 72, 80; TB: 65; Kém: 45; none: 1.
    for label, count in (("Tốt", 3), ("Khá", 3), ("Trung bình", 1), ("Kém", 1)):
        assert f'aria-label="{label} {count}"' in html
    assert f"{vi('Levels')} (9 {vi('cells')})" in text(dashboard(login("reviewer"), world.root))


def test_sorting_by_attendance_highest_first_cells_without_a_meeting_last(december, login, world):
    rows = table(dashboard(login("reviewer"), world.root, sort="-attendance"))

    rates = [int(r[3].rstrip("%")) if r[3] else None for r in rows]
    held = [r for r in rates if r is not None]
    assert held == sorted(held, reverse=True)
    assert held[0] == 100 and held[-1] == 80
    assert rates[-1] is None and rows[-1][0] == "Chi bộ Vắng họp"


def test_sorting_by_cell_name_and_by_score(december, login, world):
    client = login("reviewer")

    assert names(dashboard(client, world.root, sort="cell")) == sorted(CELLS)
    scored = [r for r in table(dashboard(client, world.root, sort="-score")) if r[8]]
    assert [r[0] for r in scored][:3] == [
        "Chi bộ Mẫu mực",
        "Chi bộ Chưa chuyên đề",
        "Chi bộ Có người vi phạm",
    ]
    assert scored[-1][0] == "Chi bộ Nặng chuyên môn"


def test_filtering_by_period(december, login, world):
    client = login("reviewer")

    november = table(dashboard(client, world.root, period="2026-11"))

    assert [r[0] for r in november if r[1].startswith("✔")] == ["Chi bộ Mẫu mực"]
    page = dashboard(client, world.root, period="2026-11").content.decode()
    assert re.findall(r'<option value="(\d{4}-\d\d)" selected>', page) == ["2026-11"]


def test_the_month_list_reads_as_vietnamese_dates_and_keeps_an_old_month_shown(december, login, world, clock):
    client = login("reviewer")
    page = dashboard(client, world.root, period="2019-03").content.decode()

    options = re.findall(r'<option value="(\d{4}-\d\d)"( selected)?>([^<]*)</option>', page)
    assert options[0][0] == clock.current.strftime("%Y-%m")  # newest first
    assert ("2026-11", "", "11/2026") in options
    assert options[-1] == ("2019-03", " selected", "03/2019")
    assert names(dashboard(client, world.root, period="2026-06")) == [vi("No data for this month.")]


def test_filtering_by_sub_committee(december, login, world):
    client = login("reviewer")

    in_b = names(dashboard(client, world.root, sub=world.branch_b.pk))

    assert sorted(in_b) == sorted(n for n, (b, _a, _s) in CELLS.items() if b == "b")
    # A committee outside the dashboard's own tree is ignored, not shown.
    officer = login("officer")
    assert sorted(names(dashboard(officer, world.branch_a, sub=world.branch_b.pk))) == sorted(
        n for n, (b, _a, _s) in CELLS.items() if b == "a"
    )


def test_filtering_by_level(december, login, world):
    client = login("reviewer")

    assert sorted(names(dashboard(client, world.root, level="tot"))) == [
        "Chi bộ Chưa chuyên đề",
        "Chi bộ Có người vi phạm",
        "Chi bộ Mẫu mực",
    ]
    assert names(dashboard(client, world.root, level="kem")) == ["Chi bộ Nặng chuyên môn"]
    assert names(dashboard(client, world.root, level="none")) == ["Chi bộ Vắng họp"]


def test_a_level_filter_narrows_the_table_not_the_distribution_or_the_alerts(december, login, world):
    response = dashboard(login("reviewer"), world.root, level="kem")

    assert names(response) == ["Chi bộ Nặng chuyên môn"]
    assert len(alert_list(response)) == 8  # the committee still sees every cell that needs attention
    assert response.context["counts"] == {"tot": 3, "kha": 3, "tb": 1, "kem": 1, "none": 1}


def test_a_cell_name_is_shown_as_text_never_as_markup(december, login, world):
    cell = Organization.objects.get(name="Chi bộ Vắng họp")
    cell.name = 'Chi bộ <b onmouseover="x()">Vắng</b>'
    cell.save()

    html = dashboard(login("reviewer"), world.root).content.decode()

    assert "<b onmouseover" not in html
    assert "Chi bộ &lt;b onmouseover=&quot;x()&quot;&gt;Vắng&lt;/b&gt;" in html


def trend_chart(html: str) -> str:
    """The trend chart's SVG (the page has others, such as the menu's search icon)."""
    return re.search(r'<svg[^>]*role="img"[^>]*>(.*?)</svg>', html, re.S).group(1)


def test_the_trend_chart_has_one_point_per_month_on_its_line(december, login, world):
    html = dashboard(login("reviewer"), world.root).content.decode()

    svg = trend_chart(html)
    circles = re.findall(r'<circle cx="([^"]*)" cy="([^"]*)"[^>]*><title>([^<]*)</title>', svg)
    assert [title.split(":")[0] for _x, _y, title in circles] == ["10/26", "11/26", "12/26"]
    line = re.search(r'<polyline points="([^"]*)"', svg).group(1).split()
    assert len(line) == 3
    for (cx, cy, _title), point in zip(circles, line, strict=True):
        assert re.fullmatch(r"-?\d+(\.\d+)?", cx) and re.fullmatch(r"-?\d+(\.\d+)?", cy), (cx, cy)
        assert (float(cx), float(cy)) == tuple(float(v) for v in point.split(","))
    # October and November: only the model cell was scored; December: the average of the eight scored cells.
    assert sum(s for _b, _a, s in CELLS.values() if s is not None) / 8 == 78.125
    assert [title for _x, _y, title in circles] == ["10/26: 80,0", "11/26: 86,0", "12/26: 78,1"]


def test_drill_down_from_the_dashboard_to_the_cell_and_its_meeting(december, login, world):
    cells, meetings = december
    client = login("reviewer")
    html = dashboard(client, world.root).content.decode()
    model = cells["Chi bộ Mẫu mực"]
    cell_url = reverse("evaluations:cell", args=[model.pk])
    assert f'href="{cell_url}"' in html

    cell_page = client.get(cell_url)
    assert cell_page.status_code == 200
    meeting_url = reverse("meetings:meeting", args=[meetings["Chi bộ Mẫu mực"].pk])
    assert f'href="{meeting_url}"' in cell_page.content.decode()

    meeting_page = client.get(meeting_url)
    assert meeting_page.status_code == 200
    assert "Chi bộ Mẫu mực" in text(meeting_page)


def test_the_cell_page_lists_its_months_and_the_yearly_proposal(december, login, world):
    cells, _meetings = december
    response = login("reviewer").get(reverse("evaluations:cell", args=[cells["Chi bộ Mẫu mực"].pk]))

    page = text(response)
    positions = [page.index(m) for m in ("12/2026", "11/2026", "10/2026")]
    assert positions == sorted(positions)  # newest first
    assert vi("Yearly level proposed from the monthly levels") in page
    # Three months, one Tốt: every meeting khá or better, but fewer than seven tốt.
    assert response.context["proposals"] == {2026: "Khá"}


def test_the_cell_page_shows_its_alerts(december, login, world):
    cells, _meetings = december

    page = text(login("reviewer").get(reverse("evaluations:cell", args=[cells["Chi bộ Thiếu chi ủy"].pk])))

    assert vi("no committee session") in page


def test_the_xlsx_export_has_a_row_per_cell(december, login, world):
    response = login("reviewer").get(
        reverse("evaluations:dashboard_xlsx", args=[world.root.pk]), {"period": "2026-12", "sort": "cell"}
    )

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "chat-luong-2026-12.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == vi("Cell") and rows[0][-1] == vi("Alerts")
    by_name = {r[0]: r for r in rows[1:]}
    assert sorted(by_name) == sorted(CELLS)
    model = by_name["Chi bộ Mẫu mực"]
    assert model[1] == "Có" and model[2] == "Có"
    assert model[9] == 95.0
    assert not model[-1]
    assert by_name["Chi bộ Ít người dự"][3] == 80.0
    assert vi("attendance under the threshold") in by_name["Chi bộ Ít người dự"][-1]
    assert by_name["Chi bộ Vắng họp"][1] == "Không"
    assert vi("no meeting this month") in by_name["Chi bộ Vắng họp"][-1]


def test_the_pdf_export_is_a_pdf_naming_the_cells(december, login, world, tmp_path):
    response = login("reviewer").get(
        reverse("evaluations:dashboard_pdf", args=[world.root.pk]), {"period": "2026-12"}
    )

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    require_service(shutil.which("pdftotext") is not None, "poppler-utils")
    path = tmp_path / "dashboard.pdf"
    path.write_bytes(response.content)
    extracted = " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Chi bộ Mẫu mực" in extracted
    assert "Chi bộ Nặng chuyên môn" in extracted
    assert vi("professional work crowding out party building") in extracted


def test_an_officer_of_one_committee_sees_only_its_cells(december, login, world):
    response = dashboard(login("officer"), world.branch_a)

    assert sorted(names(response)) == sorted(n for n, (b, _a, _s) in CELLS.items() if b == "a")
    assert Organization.objects.filter(name="Chi bộ Ít phát biểu").exists()


def test_after_the_nightly_rebuild_every_cell_below_is_listed(december, login, world, clock):
    indicators.rebuild_recent(months=1, today=dt.date(2026, 12, 20))

    listed = names(dashboard(login("reviewer"), world.root))

    assert sorted(listed) == sorted(
        Organization.objects.under(world.root).cells().values_list("name", flat=True)
    )
    assert {"Chi bộ A1", "Chi bộ A2", "Chi bộ B1", "Chi bộ Cơ quan"} <= set(listed)


def test_early_in_a_month_the_dashboard_shows_the_month_before(december, login, world, clock):
    clock.set(at(2027, 1, 5, 9, 0))

    response = login("reviewer").get(reverse("evaluations:dashboard", args=[world.root.pk]))

    assert response.context["period"] == DECEMBER
    assert sorted(names(response)) == sorted(CELLS)


def test_the_cell_page_shows_no_month_that_has_not_begun(december, login, world, clock):
    cells, _meetings = december
    cell = cells["Chi bộ Mẫu mực"]
    clock.set(at(2026, 11, 25, 9, 0))  # December's row exists (computed ahead) but December has not begun

    page = text(login("reviewer").get(reverse("evaluations:cell", args=[cell.pk])))

    assert "11/2026" in page
    assert "12/2026" not in page


# --- Issue #14: every export and tooltip in Vietnamese, every code named, no zero standing in for "no data",
# every level with its reason, every confirmation with who and when.


def _xlsx(client, root) -> dict:
    response = client.get(reverse("evaluations:dashboard_xlsx", args=[root.pk]), {"period": "2026-12"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return {"header": rows[0], **{r[0]: r for r in rows[1:]}}


def test_a_month_without_scores_draws_no_point_on_the_trend(december, login, world):
    cells, _meetings = december
    indicators.refresh(dt.date(2026, 9, 1), list(cells.values()))  # rows for September, nobody scored

    html = dashboard(login("reviewer"), world.root).content.decode()

    svg = trend_chart(html)
    titles = re.findall(r"<circle [^>]*><title>([^<]*)</title>", svg)
    assert titles == ["10/26: 80,0", "11/26: 86,0", "12/26: 78,1"]  # no "09/26: 0,0"
    assert len(re.search(r'<polyline points="([^"]*)"', svg).group(1).split()) == 3
    assert ">09/26<" in svg  # the month is still on the axis


def test_the_xlsx_export_names_levels_and_says_when_a_session_was_not_held(december, login, world):
    rows = _xlsx(login("reviewer"), world.root)

    header = rows["header"]
    level = header.index(vi("Level"))
    levels = {rows[name][level] for name in CELLS if CELLS[name][2] is not None}
    assert levels == {"Tốt", "Khá", "Trung bình", "Kém"}
    assert rows["Chi bộ Thiếu chi ủy"][header.index(vi("Committee session"))] == "Không"
    assert rows["Chi bộ Thiếu chi ủy"][header.index(vi("Why this level"))] == "từ 70 đến dưới 90 điểm"
    absent = rows["Chi bộ Vắng họp"]
    assert absent[header.index(vi("Speakers"))] is None  # no meeting: nothing, not 0
    assert absent[header.index(vi("Comments"))] is None
    assert absent[header.index(vi("Dues collected"))] is None


def test_the_off_day_warning_tooltip_is_vietnamese(world, login, clock):
    clock.set(at(2027, 1, 10, 9, 0))
    cell = new_cell(world.branch_a, "Chi bộ Lệch ngày", meeting_day=5)
    members = members_of(cell, 4)
    meeting = hold(cell, DECEMBER, day=9)
    roll(meeting, present=members)
    indicators.refresh(DECEMBER, [cell])

    html = dashboard(login("reviewer"), world.root).content.decode()

    assert 'title="not on the fixed day"' not in html
    assert 'title="không đúng ngày sinh hoạt định kỳ"' in html


def test_a_level_kept_from_the_top_names_the_missing_full_mark_on_the_dashboard_and_export(
    december, login, world
):
    _cells, meetings = december
    duration = "Thời lượng đạt mức tối thiểu (90 phút; 120 phút nếu sinh hoạt chuyên đề cùng buổi)"
    Evaluation.objects.filter(meeting=meetings["Chi bộ Chưa chuyên đề"]).update(
        total=Decimal("93"), level="kha", level_label="Khá", short_of_top=[duration]
    )
    indicators.refresh(DECEMBER, [meetings["Chi bộ Chưa chuyên đề"].cell])
    client = login("reviewer")

    row = next(r for r in table(dashboard(client, world.root)) if r[0] == "Chi bộ Chưa chuyên đề")
    export = _xlsx(client, world.root)["Chi bộ Chưa chuyên đề"]

    assert row[-1].startswith("Khá") and duration in row[-1]
    assert export[-4] == "Khá" and duration in export[-3]


def test_a_confirmed_score_shows_who_confirmed_it_and_when_on_the_dashboard_and_cell_page(
    december, login, world, clock
):
    cells, meetings = december
    clock.set(at(2027, 1, 8, 10, 30))
    sheet = Evaluation.objects.get(meeting=meetings["Chi bộ Mẫu mực"])
    services.confirm(evaluation=sheet, by=world.officer.user)
    clock.set(at(2027, 1, 10, 9, 0))
    client = login("reviewer")
    confirmed = vi(
        "Confirmed by %(who)s (superior officer), %(when)s.",
        who=world.officer.full_name,
        when="10:30 08/01/2027",
    )

    row = next(r for r in table(dashboard(client, world.root)) if r[0] == "Chi bộ Mẫu mực")
    cell_page = text(client.get(reverse("evaluations:cell", args=[cells["Chi bộ Mẫu mực"].pk])))
    export = _xlsx(client, world.root)["Chi bộ Mẫu mực"]

    assert confirmed in row[-1]
    assert confirmed in cell_page
    assert export[-2] == confirmed
