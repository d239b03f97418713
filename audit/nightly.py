"""The record's invariants checked every night (`audit.tasks.check_records`): the run is kept as a
`RecordCheck`, each check that found something is logged as an error naming its first problems, and runs
older than KEPT_DAYS are deleted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import time

from django.utils import timezone

from . import invariants
from .models import RecordCheck

log = logging.getLogger(__name__)

KEPT_PROBLEMS = 200  # of one run, kept in full; the counts are always whole
KEPT_DAYS = 90
LOGGED = 5  # problems named in the log line of a check


def run() -> RecordCheck:
    ran_at, started = timezone.now(), time.monotonic()
    found = invariants.check()
    first = itertools.islice((problem for listed in found.values() for problem in listed), KEPT_PROBLEMS)
    kept = RecordCheck.objects.create(
        ran_at=ran_at,
        seconds=round(time.monotonic() - started, 2),
        counts={code: len(listed) for code, listed in found.items()},
        problems=[dataclasses.asdict(problem) for problem in first],
    )
    for code, listed in found.items():
        if listed:
            named = "; ".join(problem.text for problem in listed[:LOGGED])
            log.error("check_records: %s: %d problem(s): %s", code, len(listed), named)
    if not kept.total:
        log.info("check_records: no problem found (%d checks, %.1f s)", len(found), kept.seconds)
    RecordCheck.objects.filter(ran_at__lt=ran_at - dt.timedelta(days=KEPT_DAYS)).delete()
    return kept


def latest() -> RecordCheck | None:
    return RecordCheck.objects.order_by("-ran_at").first()
