"""Lead times set by a committee above are inherited by its cells; a cell's own setting wins; empty fields
inherit from further up, and where nothing is set the defaults apply (D-7 and D-3, D-1, D-1, D+2)."""

from meetings.models import Meeting
from members.models import Organization
from notifications.models import ReminderPolicy
from notifications.reminders import Policy, policies_for

from .conftest import at, meeting_of, run_at, told, usernames


def test_lead_times_set_above_reach_the_cell(world, regular):
    ReminderPolicy.objects.create(
        organization=world.root,
        committee_session_days="10, 5",
        escalation_days=2,
        member_days=2,
        minutes_days=4,
    )
    earlier = meeting_of(world.cell, at(2026, 11, 5, 14, 0), status=Meeting.Status.CLOSED, clerk=world.fellow)

    run_at(2026, 11, 7, 8, 5)  # D+2 of November's meeting: the committee above said D+4
    assert usernames("minutes_chase") == []
    run_at(2026, 11, 9, 8, 5)
    assert usernames("minutes_chase", meeting=earlier) == ["fellow"]

    run_at(2026, 11, 25, 8, 5)  # D-10
    run_at(2026, 11, 28, 8, 5)  # D-7: not a lead time here
    assert told("committee_session") == [("secretary", "D-10")]
    run_at(2026, 11, 30, 8, 5)  # D-5
    assert told("committee_session") == [("secretary", "D-10"), ("secretary", "D-5")]

    run_at(2026, 12, 3, 8, 5)  # D-2: the officer and the members
    assert told("escalation") == [("officer", "D-2")]
    assert usernames("meeting_reminder") == ["fellow", "member", "secretary"]


def test_the_cells_own_setting_wins_over_the_committee_above(world, regular):
    ReminderPolicy.objects.create(organization=world.root, committee_session_days="10,5", member_days=2)
    ReminderPolicy.objects.create(organization=world.cell, committee_session_days="4", member_days=0)

    for day in ((11, 25), (11, 30), (12, 1), (12, 3), (12, 4)):
        run_at(2026, *day, 8, 5)
    assert told("committee_session") == [("secretary", "D-4")]
    assert usernames("meeting_reminder") == []

    run_at(2026, 12, 5, 7, 5)  # member_days=0: on the morning of the meeting
    assert usernames("meeting_reminder") == ["fellow", "member", "secretary"]


def test_empty_fields_inherit_field_by_field(world):
    ReminderPolicy.objects.create(organization=world.root, committee_session_days="10,5", member_days=2)
    ReminderPolicy.objects.create(organization=world.branch_a, committee_session_days=" ", escalation_days=3)
    ReminderPolicy.objects.create(organization=world.cell, committee_session_days="6", minutes_days=5)

    policies = policies_for(Organization.objects.cells())

    assert policies[world.cell.pk] == Policy(
        committee_session_days=(6,), escalation_days=3, member_days=2, minutes_days=5
    )
    assert policies[world.cell_a2.pk] == Policy(
        committee_session_days=(10, 5), escalation_days=3, member_days=2
    )
    assert policies[world.other_cell.pk] == Policy(committee_session_days=(10, 5), member_days=2)


def test_without_any_setting_the_defaults_apply(world):
    policies = policies_for(Organization.objects.cells())

    assert set(policies.values()) == {
        # minutes_days None: the rule set's report_days_after (2 days under HD 42)
        Policy(committee_session_days=(7, 3), escalation_days=1, member_days=1, minutes_days=None)
    }
