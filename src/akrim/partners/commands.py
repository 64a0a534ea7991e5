"""``akrim partners remind`` (nightly) and ``akrim partners figures --year Y [--json]``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["remind", "figures"])
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="remind: YYYY-MM-DD"
    )
    parser.add_argument(
        "--days", type=int, default=None, help="remind: due within N days (default 7)"
    )
    parser.add_argument("--year", default=None, help="figures: e.g. 2025")
    parser.add_argument("--json", action="store_true", help="figures: print as JSON")


def run(args: argparse.Namespace) -> int:
    """Exit 0 done, 1 refused, 2 wrong usage (e.g. a bad year)."""
    from akrim.core.errors import DomainError

    try:
        return remind(args) if args.action == "remind" else figures(args)
    except DomainError as error:
        print(f"akrim partners {args.action}: {error.message}", file=sys.stderr)
        return 2 if error.code == "invalid_input" else 1


def remind(args: argparse.Namespace) -> int:
    from akrim.core.actor import Actor
    from akrim.partners.services import REMINDER_DAYS, send_reminders

    result = send_reminders(
        actor=Actor.system(),
        today=args.today,
        days=REMINDER_DAYS if args.days is None else args.days,
    )
    print(
        f"action item reminders as of {result.today}: {len(result.sent)} sent, "
        f"{len(result.already)} already sent today, {len(result.no_address)} without an "
        f"e-mail address, {len(result.failed)} failed"
    )
    return 1 if result.failed else 0


def figures(args: argparse.Namespace) -> int:
    from akrim.controls.stats import parse_year
    from akrim.core.actor import Actor, Purpose
    from akrim.partners.queries import figures as compute

    result = compute(actor=Actor.system(purpose=Purpose.STATISTICS), year=parse_year(args.year))
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return 0
    print(f"partner activity {result.year} (as of {result.as_of})")
    for row in result.rows:
        print(
            f"  {row.name:<20} meetings {row.meetings_held:>3}  organisations "
            f"{row.organisations_taking_part:>3}  actions done {row.actions_done:>3} overdue "
            f"{row.actions_overdue:>3}  referrals {row.referrals_received:>3} handled "
            f"{row.referrals_handled:>3}"
        )
    return 0
