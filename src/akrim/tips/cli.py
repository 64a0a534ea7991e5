"""``akrim stats tips --year Y [--json]``: tips per centre (see ``queries.tip_statistics``)."""

from __future__ import annotations

import json
import sys

from akrim.controls.stats import parse_year
from akrim.core.actor import Actor, Purpose
from akrim.core.errors import InvalidInput
from akrim.tips.queries import tip_statistics


def stats_tips(*, year: str, as_json: bool) -> int:
    """Print the figures; exit 2 for a bad year."""
    try:
        rows = tip_statistics(actor=Actor.system(purpose=Purpose.STATISTICS), year=parse_year(year))
    except InvalidInput as error:
        print(f"akrim stats tips: {error.message}", file=sys.stderr)
        return 2
    if as_json:
        figures = {"year": int(year), "centres": [r.to_json() for r in rows]}
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return 0
    print(f"{'centre':<14} {'in':>5} {'handled':>8} {'control':>8} {'found':>6}")
    for r in rows:
        counts = f"{r.received:>5} {r.handled:>8} {r.led_to_control:>8} {r.control_found:>6}"
        print(f"{r.centre:<14} {counts}")
    return 0
