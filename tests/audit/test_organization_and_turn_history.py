"""Changes to a cell's settings and to the self-criticism rotation are kept with who made them and when."""

from django.urls import reverse

from meetings import selfcriticism
from meetings.models import SelfCriticismTurn

from ..live.conftest import NOVEMBER
from ..live.pages import vi
from .test_recorded_changes import changed_fields, history_rows

SUMMARY = "Tự nhận còn chậm nộp báo cáo chuyên môn; hứa khắc phục trong tháng 11."


def test_a_cells_settings_changed_by_the_secretary_record_who_and_which_fields(world, login):
    cell = world.cell
    client = login("secretary")

    response = client.post(
        reverse("members:cell_settings", args=[cell.pk]),
        {
            "name": cell.name,
            "code": cell.code,
            "term": cell.term,
            "place": "Cần Thơ",
            "meeting_day": "7",
            "meeting_place": "Hội trường ấp 3",
        },
    )

    assert response.status_code == 302
    last = cell.history.latest("history_id")
    assert (last.history_type, last.history_user) == ("~", world.secretary.user)
    assert {"meeting_day", "meeting_place"} <= set(changed_fields(last))
    shown = history_rows(login("admin"), model="members.organization")[0]
    assert cell.name in shown and vi("regular meeting day") in shown


def test_a_self_criticism_turn_recorded_at_the_meeting_records_who_and_what(world, opened, login):
    selfcriticism.plan_year(cell=world.cell, year=2026)
    turn = SelfCriticismTurn.objects.get(member=world.member)
    assert turn.history.get().history_type == "+"  # planned in bulk, still recorded
    turn.period = NOVEMBER
    turn.save()

    response = login("secretary").post(
        reverse("meetings:self_criticism", args=[opened.pk]),
        {"member": world.member.pk, "summary": SUMMARY},
    )

    assert response.status_code == 302
    last = turn.history.latest("history_id")
    assert (last.history_type, last.history_user) == ("~", world.secretary.user)
    assert {"done", "meeting", "summary"} <= set(changed_fields(last))
    shown = history_rows(login("admin"), model="meetings.selfcriticismturn")[0]
    assert world.member.full_name in shown and "11/2026" in shown
