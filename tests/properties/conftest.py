import pytest

from ..live.conftest import clock, mark, opened, prepared  # noqa: F401 (fixtures)


@pytest.fixture
def secretary(login):
    """The cell's secretary, logged in once for all of a test's examples."""
    return login("secretary")


@pytest.fixture
def voting(world, opened):  # noqa: F811 (the fixture imported above)
    """The opened meeting with the secretary, the member and the fellow present: three may vote."""
    mark(opened, world.secretary, world.member, world.fellow)
    return opened


@pytest.fixture
def sheet(world, opened):  # noqa: F811
    """The closed meeting's score sheet, opened by the secretary (criteria pre-filled from the record)."""
    from evaluations import services
    from meetings import live

    live.close_meeting(meeting=opened, by=world.secretary.user)
    return services.open_sheet(meeting=opened, by=world.secretary.user)
