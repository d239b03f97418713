"""`manage.py render_minutes MEETING_ID --out FILE.pdf`: the adopted minutes as the Celery job renders them."""

import pytest
from django.core.management import CommandError, call_command

from .pages import vi

MODEL_CELL = "Chi bộ Điện - Điện tử - Viễn thông - Kỹ thuật cơ khí"


def test_an_unknown_meeting_is_a_clear_error(db, tmp_path):
    out = tmp_path / "x.pdf"

    with pytest.raises(CommandError, match="No meeting 987654"):
        call_command("render_minutes", 987654, "--out", str(out))

    assert not out.exists()


def test_a_meeting_without_adopted_minutes_is_a_clear_error(closed, tmp_path):
    out = tmp_path / "x.pdf"

    with pytest.raises(CommandError) as refused:
        call_command("render_minutes", closed.meeting.pk, "--out", str(out))

    assert str(refused.value) == vi("The minutes have not been adopted yet.")
    assert not out.exists()
