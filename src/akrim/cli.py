"""The ``akrim`` command line.

    akrim import DIR --owner AGENCY          validate and import a register extract and
                                             its earlier controls (as closed controls)
    akrim demo-world --out DIR [...]         write a synthetic world in the exchange format
    akrim demo setup                         migrate, generate and import the demo, create users
    akrim audit verify                       check the audit chain (exit 0 intact, 1 broken)
    akrim retention purge [--today DATE]     delete register rows past their retention
    akrim audit checkpoint                   sign the audit chain's head (Ed25519)
    akrim createuser NAME --agency --centre --role [--api-token]
    akrim stats controls --year YYYY [--centre C] [--json]   figures of joint controls
    akrim stats tips --year YYYY [--json]    tips per centre: in, handled, led to a control
    akrim controls tasks [--today DATE]      nightly: tasks for decisions past their deadline
    akrim targeting rank --data DIR --out FILE.csv [--top N] [--model M.json]
                         [--save-model M.json] [--language en|sv]
                                             rank workplaces by risk (workplace_id,score,
                                             reasons) and write FILE.model-card.md beside
    akrim targeting score [--owner AGENCY]   nightly or on demand: score the registers in
                                             the database (every owner when left out)
    akrim targeting train [--owner AGENCY] [--activate] [--seed N]
                                             retrain; prints old and new validation
    akrim report build --kind interim|annual --period 2022H1|2025 --out FILE.pdf
                      [--cutoff YYYY-MM-DD]  a report to the Government: PDF, XLSX beside
    akrim survey analyse --responses FILE.csv --out FILE.json
                                             survey estimates, changes, difference-in-
                                             differences (akrim.engines.surveys)
    akrim portal seed                        load the portal's shipped content (idempotent)
    akrim partners remind [--today DATE] [--days N]   nightly: e-mail the owners of action
                                             items due within N days or overdue, once a day
    akrim partners figures --year YYYY [--json]      partners' activity per centre
    akrim nightly [--today DATE] [--skip STEP]   the nightly jobs in one run: retention,
                                             follow-up tasks, reminders, scoring, audit
                                             checkpoint and verification (akrim.nightly)
    akrim <django command> ...               e.g. migrate, runserver, check

Exit codes: 0 done, 1 refused or broken (message on stderr), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

OWN_COMMANDS = {
    "import",
    "demo-world",
    "demo",
    "audit",
    "createuser",
    "retention",
    "stats",
    "controls",
    "targeting",
    "report",
    "survey",
    "partners",
    "portal",
    "nightly",
}


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "akrim.config.settings")
    import django

    django.setup()


class Bars:
    """One tqdm progress bar per stage, on stderr."""

    def __init__(self) -> None:
        self.bars: dict[str, tqdm[Any]] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            bar = tqdm(
                total=total, desc=stage, unit="row", file=sys.stderr, leave=False, disable=None
            )
            self.bars[stage] = bar
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akrim", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="validate and import a register extract")
    imp.add_argument("folder", type=Path)
    imp.add_argument("--owner", required=True, help="agency code that delivered the extract")
    world = sub.add_parser("demo-world", help="write a synthetic world (exchange format)")
    world.add_argument("--out", type=Path, required=True)
    world.add_argument("--companies", type=int, default=2000)
    world.add_argument("--seed", type=int, default=1)
    world.add_argument("--months", type=int, default=12)
    world.add_argument("--format", choices=["csv", "parquet"], default="csv")
    world.add_argument("--truth", type=Path, default=None)
    demo = sub.add_parser("demo", help="the demo installation")
    demo.add_argument("action", choices=["setup"])
    demo.add_argument("--companies", type=int, default=3000)
    audit = sub.add_parser("audit", help="the audit log")
    audit.add_argument("action", choices=["verify", "checkpoint"])
    retention = sub.add_parser("retention", help="delete rows past their retention")
    retention.add_argument("action", choices=["purge"])
    retention.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="the date to measure from (default: today)",
    )
    user = sub.add_parser("createuser", help="create a member of staff")
    user.add_argument("username")
    user.add_argument("--agency", required=True)
    user.add_argument("--centre", action="append", default=[], help="may be repeated")
    user.add_argument("--role", action="append", required=True, help="may be repeated")
    user.add_argument("--email", default="")
    user.add_argument("--api-token", action="store_true", help="print a new API token")
    controls = sub.add_parser("controls", help="joint controls: nightly work")
    controls.add_argument("action", choices=["tasks"], help="tasks: create due follow-up tasks")
    controls.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)"
    )
    targeting = sub.add_parser("targeting", help="risk-based selection of workplaces")
    targeting_actions = targeting.add_subparsers(dest="action", required=True)
    rank = targeting_actions.add_parser("rank", help="rank an extract's workplaces by risk")
    rank.add_argument("--data", type=Path, required=True, help="register extract folder")
    rank.add_argument("--out", type=Path, required=True, help="CSV file to write")
    rank.add_argument("--top", type=int, default=None, help="write only the N highest")
    rank.add_argument(
        "--model", type=Path, default=None, help="use this stored model (JSON) instead of training"
    )
    rank.add_argument("--save-model", type=Path, default=None, help="write the model as JSON")
    rank.add_argument(
        "--language", choices=["en", "sv"], default="en", help="language of the reasons"
    )
    score_db = targeting_actions.add_parser("score", help="score the registers in the database")
    score_db.add_argument("--owner", default=None, help="agency code (default: every owner)")
    train_db = targeting_actions.add_parser("train", help="retrain from the database")
    train_db.add_argument("--owner", required=True, help="agency code whose registers")
    train_db.add_argument("--activate", action="store_true", help="make the new model active")
    train_db.add_argument("--seed", type=int, default=0)
    stats = sub.add_parser("stats", help="statistics (definitions: akrim.controls.stats)")
    stats.add_argument("subject", choices=["controls", "tips"])
    stats.add_argument("--year", required=True, help="e.g. 2025 (Swedish time)")
    stats.add_argument("--centre", default=None, help="a centre's code or name; all if left out")
    stats.add_argument("--json", action="store_true", help="print the figures as JSON")
    report = sub.add_parser("report", help="reports to the Government (akrim.reporting)")
    report.add_argument("action", choices=["build"])
    report.add_argument("--kind", required=True, choices=["interim", "annual"])
    report.add_argument("--period", required=True, help="2025 (annual) or 2022H1 (interim)")
    report.add_argument("--out", required=True, type=Path, help="the PDF; the XLSX goes beside")
    report.add_argument("--cutoff", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")
    survey = sub.add_parser("survey", help="campaign survey statistics (akrim.engines.surveys)")
    survey.add_argument("action", choices=["analyse"])
    survey.add_argument("--responses", type=Path, required=True, help="the responses CSV")
    survey.add_argument("--out", type=Path, required=True, help="the JSON to write")
    from akrim.partners.commands import add_arguments as partners_arguments

    partners_arguments(sub.add_parser("partners", help="social partners: reminders, figures"))
    from akrim.nightly import add_arguments as nightly_arguments

    nightly_arguments(sub.add_parser("nightly", help="the nightly jobs in one run"))
    portal = sub.add_parser("portal", help="the public portal's content (akrim.portal)")
    portal.add_argument("action", choices=["seed"], help="seed: load portal/content/*.json")
    return parser


def cmd_portal(args: argparse.Namespace) -> int:
    """Load the shipped portal content (idempotent; staff edits are kept)."""
    from akrim.core.actor import Actor
    from akrim.portal.services import seed_content

    result = seed_content(actor=Actor.system())
    print(
        f"portal content ({', '.join(result.languages)}): {result.pages_created} pages, "
        f"{result.page_versions_created} page versions, {result.ui_texts_created} texts added; "
        f"{result.kept_staff_versions} kept as staff edited them"
    )
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    """Nightly action-item reminders, or the partners' activity figures for a year."""
    from akrim.partners.commands import run

    return run(args)


def cmd_report(args: argparse.Namespace) -> int:
    """Build a report (PDF and XLSX beside it) with the narrative saved for it, if any."""
    from akrim.reporting.commands import build_to_files

    return build_to_files(args)


def cmd_survey(args: argparse.Namespace) -> int:
    """Analyse a survey's responses; exit 1 with nothing written when the file is refused."""
    from akrim.engines.surveys.command import analyse_to_file

    return analyse_to_file(args.responses, args.out)


def cmd_import(args: argparse.Namespace) -> int:
    from akrim.core.actor import Actor
    from akrim.registry.services import ExtractRefused, import_registers

    bars = Bars()
    try:
        result = import_registers(
            actor=Actor.system(agency=args.owner.upper()),
            folder=args.folder,
            owner=args.owner,
            progress=bars,
        )
    except ExtractRefused as refused:
        bars.close()
        print(f"akrim import: {refused.message}", file=sys.stderr)
        for problem in refused.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    bars.close()
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"imported {args.folder} as {args.owner.upper()}: "
        f"{sum(result.rows.values())} rows read, {result.changed_total} inserted or changed"
    )
    for table, rows in result.rows.items():
        print(f"  {table:<11} {rows:>10} rows  {result.changed.get(table, 0):>10} changed")
    return _import_history(args.owner)


def _import_history(owner: str) -> int:
    """The extract's earlier controls become closed joint controls (statistics count them)."""
    from akrim.controls.services import import_history
    from akrim.core.actor import Actor

    bars = Bars()
    done = import_history(actor=Actor.system(agency=owner.upper()), owner=owner, progress=bars)
    bars.close()
    print(
        f"earlier controls: {done.records} records, {done.created} created, "
        f"{done.updated} updated, {done.unchanged} unchanged, {done.skipped} skipped; "
        f"{done.findings} findings, {done.findings_written} written; "
        f"{done.unknown_agencies} unknown agency codes skipped ({done.seconds} s)"
    )
    return 0


def cmd_demo_world(args: argparse.Namespace) -> int:
    from akrim.demo.world import generate_world

    if args.companies < 1 or args.companies > 5_000_000:
        print("akrim demo-world: --companies must be between 1 and 5,000,000", file=sys.stderr)
        return 2
    bars = Bars()
    summary = generate_world(
        args.out,
        companies=args.companies,
        seed=args.seed,
        fmt=args.format,
        months=args.months,
        truth=args.truth,
        progress=bars,
    )
    bars.close()
    print(f"wrote {summary.out} (truth: {summary.truth})")
    for table, rows in summary.rows.items():
        print(f"  {table:<11} {rows:>10} rows")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from django.core.exceptions import ImproperlyConfigured

    try:
        return _audit_checkpoint() if args.action == "checkpoint" else _audit_verify()
    except ImproperlyConfigured as error:
        print(f"akrim audit {args.action}: {error}", file=sys.stderr)
        return 1


def _audit_verify() -> int:
    from akrim.audit.verify import verify_chain

    result = verify_chain()
    if result.ok:
        print(
            f"audit chain intact: {result.checked} entries, {result.checkpoints} signed checkpoints"
        )
        return 0
    where = (
        f"checkpoint #{result.bad_checkpoint_seq}"
        if result.bad_checkpoint_seq is not None
        else f"entry #{result.first_bad_seq}"
    )
    print(f"audit chain BROKEN at {where}: {result.reason}", file=sys.stderr)
    return 1


def _audit_checkpoint() -> int:
    from akrim.audit.checkpoints import write_checkpoint
    from akrim.core.actor import Actor

    checkpoint = write_checkpoint(actor=Actor.system())
    print(f"audit checkpoint #{checkpoint.seq} {checkpoint.hash}")
    print(f"  signed {checkpoint.at.isoformat()} with key {checkpoint.key_id}", file=sys.stderr)
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    from django.contrib.auth.models import User

    from akrim.accounts.services import issue_api_token
    from akrim.core.actor import Actor
    from akrim.core.errors import DomainError
    from akrim.organisation.services import create_staff

    password = os.environ.get("AKRIM_PASSWORD") or getpass.getpass("Password: ")
    actor = Actor.system()
    try:
        staff = create_staff(
            actor=actor,
            username=args.username,
            password=password,
            agency=args.agency,
            centres=args.centre,
            roles=args.role,
            email=args.email,
        )
    except DomainError as error:
        print(f"akrim createuser: {error.message}", file=sys.stderr)
        return 1
    print(
        f"created {args.username} ({staff.agency.code}; {', '.join(staff.roles)})", file=sys.stderr
    )
    if args.api_token:
        print(issue_api_token(actor=actor, user=User.objects.get(pk=staff.user_id)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from akrim.demo.setup import setup_demo

    setup_demo(companies=args.companies, progress=Bars())
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from akrim.core.actor import Actor
    from akrim.registry.retention import purge_expired
    from akrim.targeting.retention import purge_runs
    from akrim.tips.retention import purge_tips

    today = args.today or timezone.localdate()
    result = purge_expired(actor=Actor.system(), today=today)
    print(f"retention purge as of {result.today}: {result.total} rows deleted")
    for model, count in result.deleted.items():
        print(f"  {model:<14} {count:>10}")
    tips = purge_tips(actor=Actor.system(), today=today)
    print(
        f"tips: {tips.tips_deleted} finished tips past retention deleted "
        f"({tips.retention_days if tips.retention_days is not None else 'no'} days)"
    )
    runs = purge_runs(actor=Actor.system(), today=today)
    print(
        f"scoring runs finished before {runs.cutoff}: {runs.runs_deleted} runs and "
        f"{runs.scores_deleted} scores deleted, {runs.scores_kept} scores kept for feedback"
    )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Figures of joint controls, as the system actor for statistics. Exit 2 for a bad
    year or an unknown centre (wrong usage)."""
    import json

    from akrim.controls.stats import control_statistics, parse_year, summary_lines
    from akrim.core.actor import Actor, Purpose
    from akrim.core.errors import InvalidInput

    if args.subject == "tips":
        from akrim.tips.cli import stats_tips

        return stats_tips(year=args.year, as_json=args.json)
    try:
        figures = control_statistics(
            actor=Actor.system(purpose=Purpose.STATISTICS),
            year=parse_year(args.year),
            centre=args.centre,
        )
    except InvalidInput as error:
        print(f"akrim stats {args.subject}: {error.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(figures.to_json(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(summary_lines(figures)))
    return 0


def cmd_controls(args: argparse.Namespace) -> int:
    """Nightly: a task for every standing decision whose deadline has passed."""
    from django.utils import timezone

    from akrim.controls.services import create_due_tasks
    from akrim.core.actor import Actor

    today = args.today or timezone.localdate()
    created = create_due_tasks(actor=Actor.system(), today=today)
    print(f"follow-up tasks as of {today}: {created} created")
    return 0


def _targeting_rank(args: argparse.Namespace) -> int:
    """Score every workplace of an operating company in the extract; the model learns from
    the extract's own earlier controls. Exit 1 when the extract is refused."""
    from akrim.engines.exchange import ExtractInvalid
    from akrim.engines.scoring import Model, compute_features, model_card, score, train
    from akrim.engines.scoring.extract import read_for_scoring

    if args.top is not None and args.top < 1:
        print("akrim targeting rank: --top must be at least 1", file=sys.stderr)
        return 2
    stored: Model | None = None
    if args.model is not None:
        try:
            stored = Model.load(args.model)
        except ValueError as error:
            print(f"akrim targeting rank: {error}", file=sys.stderr)
            return 1
    bars = Bars()
    try:
        extract = read_for_scoring(args.data, progress=bars)
    except ExtractInvalid as refused:
        bars.close()
        print(
            f"akrim targeting rank: The extract was refused: {refused.total} problem(s).",
            file=sys.stderr,
        )
        for problem in refused.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    warnings, features = extract.warnings, compute_features(extract.tables, progress=bars)
    del extract  # free the extract before training and scoring
    model = stored or train(features)
    ranked = score(model, features, language=args.language)
    bars.close()
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.top is not None:
        ranked = ranked.head(args.top)
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    ranked.select("workplace_id", "score", "reasons").write_csv(out, float_precision=6)
    card = out.parent / (out.name.removesuffix(".csv") + ".model-card.md")
    card.write_text(model_card(model, features, source=str(args.data)), encoding="utf-8")
    if args.save_model is not None:
        args.save_model.parent.mkdir(parents=True, exist_ok=True)
        model.save(args.save_model)
    how = (
        f"stored in {args.model} (not retrained)"
        if stored
        else "prior weights (too little history)"
        if model.fallback
        else f"learned from {model.trained_on} earlier controls ({model.positives} found something)"
    )
    print(f"ranked {ranked.height} of {features.height} workplaces: {out} (model card: {card})")
    print(f"  model: {how}")
    return 0


def _targeting_score(args: argparse.Namespace) -> int:
    """Score the registers in the database (nightly or on demand), as the system."""
    from akrim.core.actor import Actor
    from akrim.core.errors import DomainError
    from akrim.targeting.services import run_scoring, scored_owners

    owners = [args.owner] if args.owner else scored_owners()
    if not owners:
        print("akrim targeting score: no register holds workplaces yet", file=sys.stderr)
        return 1
    for owner in owners:
        bars = Bars()
        try:
            run = run_scoring(actor=Actor.system(), owner=owner, progress=bars)
        except DomainError as error:
            bars.close()
            print(f"akrim targeting score: {error.message}", file=sys.stderr)
            return 1
        bars.close()
        print(
            f"scored {run.workplaces} workplaces of {run.owner.code}'s registers: run {run.pk}, "
            f"model {run.model_id}, {run.seconds} s"
        )
    return 0


def _metric(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _targeting_train(args: argparse.Namespace) -> int:
    """Retrain from the database; print the old and the new model's validation."""
    from akrim.core.actor import Actor
    from akrim.core.errors import DomainError
    from akrim.targeting.services import train_model

    bars = Bars()
    try:
        result = train_model(
            actor=Actor.system(),
            owner=args.owner,
            activate=args.activate,
            seed=args.seed,
            progress=bars,
        )
    except DomainError as error:
        bars.close()
        print(f"akrim targeting train: {error.message}", file=sys.stderr)
        return 1
    bars.close()
    new, old = result.new, result.old
    how = "prior weights (too little history)" if new.fallback else "learned"
    print(
        f"model {new.pk} for {args.owner.upper()}: {how} from {new.trained_on} controlled "
        f"workplaces ({new.positives} with a finding); active: {'yes' if new.active else 'no'}"
    )
    old_title = f"old (model {old.pk})" if old else "old (none)"
    print(f"  {'metric':<24} {old_title:>18} {f'new (model {new.pk})':>18}")
    for name, before, after in result.metrics:
        print(f"  {name:<24} {_metric(before):>18} {_metric(after):>18}")
    if old and not new.active:
        print(f"  model {old.pk} stays active; run again with --activate to switch")
    return 0


TARGETING: dict[str, Callable[[argparse.Namespace], int]] = {
    "rank": _targeting_rank,
    "score": _targeting_score,
    "train": _targeting_train,
}


def cmd_targeting(args: argparse.Namespace) -> int:
    return TARGETING[args.action](args)


def _nightly(args: argparse.Namespace) -> int:
    from akrim.nightly import cmd_nightly

    return cmd_nightly(args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "controls": cmd_controls,
    "stats": cmd_stats,
    "retention": cmd_retention,
    "import": cmd_import,
    "demo-world": cmd_demo_world,
    "audit": cmd_audit,
    "createuser": cmd_createuser,
    "demo": cmd_demo,
    "targeting": cmd_targeting,
    "report": cmd_report,
    "survey": cmd_survey,
    "partners": cmd_partners,
    "portal": cmd_portal,
    "nightly": _nightly,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in OWN_COMMANDS and not argv[0].startswith("-"):
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["akrim", *argv])
        return 0
    args = _parser().parse_args(argv)
    if args.command not in {"demo-world", "survey"}:  # pure engines need no Django
        _setup_django()
        from django.utils import translation

        translation.activate("en")  # the command line speaks English, like manage.py
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
