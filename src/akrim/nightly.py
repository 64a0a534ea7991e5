"""``akrim nightly``: the jobs that keep akrim in order, in one command for cron or a
systemd timer.

Steps, in this order (each is also its own command):

1. ``retention``  — ``akrim retention purge``: register rows and finished tips past their
   retention, expired form tokens, old scoring runs thinned out;
2. ``tasks``      — ``akrim controls tasks``: follow-up tasks for decisions past deadline;
3. ``reminders``  — ``akrim partners remind``: action items due soon or overdue;
4. ``scoring``    — ``akrim targeting score``: the selection lists (skipped, not failed,
   while no register holds workplaces);
5. ``checkpoint`` — ``akrim audit checkpoint``: sign the audit chain's head (fails in
   production while no signing key is configured; the demo makes its own key);
6. ``verify``     — ``akrim audit verify``: the whole chain and its checkpoints.

A step that fails does not stop the others (a broken mail server must not stop the
retention purge); the exit code is 1 when any step failed, and the last lines name each
step with its outcome and time, so the operator's mail from cron says what went wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

STEPS = ("retention", "tasks", "reminders", "scoring", "checkpoint", "verify")

OK, SKIPPED, FAILED = "ok", "skipped", "FAILED"


@dataclass(frozen=True)
class Outcome:
    step: str
    status: str
    seconds: float
    why: str = ""


def _retention(today: dt.date) -> tuple[int, str]:
    from akrim.cli import cmd_retention

    return cmd_retention(argparse.Namespace(action="purge", today=today)), ""


def _tasks(today: dt.date) -> tuple[int, str]:
    from akrim.cli import cmd_controls

    return cmd_controls(argparse.Namespace(action="tasks", today=today)), ""


def _reminders(today: dt.date) -> tuple[int, str]:
    from akrim.partners.commands import run

    return run(argparse.Namespace(action="remind", today=today, days=None)), ""


def _scoring(today: dt.date) -> tuple[int, str]:
    from akrim.cli import _targeting_score
    from akrim.targeting.services import scored_owners

    if not scored_owners():
        return -1, "no register holds workplaces yet"
    return _targeting_score(argparse.Namespace(action="score", owner=None)), ""


def _checkpoint(today: dt.date) -> tuple[int, str]:
    from akrim.cli import cmd_audit

    return cmd_audit(argparse.Namespace(action="checkpoint")), ""


def _verify(today: dt.date) -> tuple[int, str]:
    from akrim.cli import cmd_audit

    return cmd_audit(argparse.Namespace(action="verify")), ""


RUNNERS: dict[str, Callable[[dt.date], tuple[int, str]]] = {
    "retention": _retention,
    "tasks": _tasks,
    "reminders": _reminders,
    "scoring": _scoring,
    "checkpoint": _checkpoint,
    "verify": _verify,
}


def run_step(step: str, today: dt.date) -> Outcome:
    """One step; an exception is caught, printed with its traceback on stderr and
    reported as a failure (the next steps still run)."""
    started = time.monotonic()
    print(f"== {step}", flush=True)
    try:
        code, why = RUNNERS[step](today)
    except Exception as error:  # one broken step must not stop the others
        traceback.print_exc(file=sys.stderr)
        code, why = 1, f"{type(error).__name__}: {error}"
    seconds = round(time.monotonic() - started, 2)
    if code == -1:
        return Outcome(step, SKIPPED, seconds, why)
    if code != 0:
        return Outcome(step, FAILED, seconds, why or f"exit code {code}")
    return Outcome(step, OK, seconds)


def nightly(*, today: dt.date, skip: frozenset[str] = frozenset()) -> list[Outcome]:
    return [
        run_step(step, today) if step not in skip else Outcome(step, SKIPPED, 0.0, "--skip")
        for step in STEPS
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)"
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=STEPS,
        help="leave out a step (may be repeated)",
    )


def cmd_nightly(args: argparse.Namespace) -> int:
    from django.utils import timezone

    today = args.today or timezone.localdate()
    outcomes = nightly(today=today, skip=frozenset(args.skip))
    print(f"nightly run as of {today}:")
    for outcome in outcomes:
        why = f" — {outcome.why}" if outcome.why else ""
        print(f"  {outcome.step:<11} {outcome.status:<8} {outcome.seconds:>8.2f} s{why}")
    failed = [o.step for o in outcomes if o.status == FAILED]
    if failed:
        print(f"akrim nightly: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
