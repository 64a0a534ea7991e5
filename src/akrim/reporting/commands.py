"""``akrim report build``: the report's PDF and, beside it, the XLSX with every table."""

from __future__ import annotations

import argparse
import sys
import time

from akrim.core.actor import Actor, Purpose
from akrim.core.errors import DomainError


def build_to_files(args: argparse.Namespace) -> int:
    from akrim.reporting.build import build
    from akrim.reporting.models import Report
    from akrim.reporting.services import latest_narratives

    out = args.out
    if out.suffix.lower() != ".pdf":
        print("akrim report build: --out must name a .pdf file", file=sys.stderr)
        return 2
    if not out.parent.is_dir():
        print(f"akrim report build: no such folder: {out.parent}", file=sys.stderr)
        return 2
    actor = Actor.system(purpose=Purpose.STATISTICS)
    saved = Report.objects.filter(kind=args.kind, period=args.period.strip().upper()).first()
    narratives = (
        {s: v.text for s, v in latest_narratives(saved).items()} if saved is not None else {}
    )
    signoffs = (
        {s.agency.code: s.username for s in saved.signoffs.select_related("agency")}
        if saved is not None
        else {}
    )
    cutoff = args.cutoff or (saved.cutoff if saved is not None else None)
    began = time.perf_counter()
    try:
        built = build(
            actor=actor,
            kind=args.kind,
            period=args.period,
            cutoff=cutoff,
            narratives=narratives,
            signoffs=signoffs,
        )
        pdf = built.pdf()
    except DomainError as error:
        print(f"akrim report build: {error.message}", file=sys.stderr)
        return 2
    xlsx_path = out.with_suffix(".xlsx")
    out.write_bytes(pdf)
    xlsx_path.write_bytes(built.xlsx())
    print(
        f"wrote {out} and {xlsx_path}: {len(built.tables)} tables, cut-off "
        f"{built.cutoff.isoformat()}, data version {built.data_version}, "
        f"{time.perf_counter() - began:.1f} s"
    )
    for name, digest in built.hashes.items():
        print(f"  sha256 {name:<18} {digest}")
    return 0
