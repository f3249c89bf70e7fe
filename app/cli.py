"""`flask ...` commands: the demo, accounts, and checks for operators."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate.cli import db as db_cli

from app.clock import today
from app.domain.audit_chain import Head, parse_head
from app.formatting import filesize
from app.models import User
from app.policy import SYSTEM, Role
from app.services import (
    accounts,
    audit,
    backup,
    challenges,
    db_roles,
    demo,
    demo_scale,
    digests,
    jobs,
    mail,
    reminders,
    report_pack,
    risks,
)
from app.services.errors import NotFound, ServiceError, ValidationFailed

demo_cli = AppGroup("demo", help="The demonstration plan and accounts.")
users_cli = AppGroup("users", help="Manage accounts from the command line.")
risks_cli = AppGroup("risks", help="The risk register.")
audit_cli = AppGroup("audit", help="The audit trail.")
reports_cli = AppGroup("reports", help="The committee packs stored for presented meetings.")
reminders_cli = AppGroup("reminders", help="Reminders and digests that fall due with the calendar.")
mail_cli = AppGroup("mail", help="The e-mail outbox.")
challenges_cli = AppGroup("challenges", help="Challenges on proposals and their response due dates.")
backup_cli = AppGroup("backup", help="Back up the database and every stored file; restore a backup.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(risks_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(challenges_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(worker)
    db_cli.add_command(db_grant_app_role)


def _head(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Head | None:
    try:
        return parse_head(value) if value else None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@audit_cli.command("verify")
@click.option(
    "--head",
    "published",
    callback=_head,
    metavar="SEQ:HASH",
    help="A head printed in a committee report: also prove nothing up to it has changed since.",
)
def audit_verify(published: Head | None) -> None:
    """Recompute the audit trail's hash chain; exit 1 naming the first event that does not match."""
    verdict = audit.verify_chain(published)
    if verdict.broken is not None:
        b = verdict.broken
        which = f"event {b.seq}" + (f" (id {b.event_id})" if b.event_id is not None else "")
        click.echo(
            f"Audit trail BROKEN at {which}: {b.reason}. The {verdict.count} events before it verify"
            + (f", up to {verdict.head}." if verdict.head else "."),
            err=True,
        )
        raise SystemExit(1)
    head = str(verdict.head) if verdict.head else "none (the trail is empty)"
    anchored = f" It still contains the published head {published}." if published else ""
    click.echo(f"Audit trail verified: {verdict.count} events, head {head}.{anchored}")


@click.command("grant-app-role")
@click.argument("role")
def db_grant_app_role(role: str) -> None:
    """Give the app's PostgreSQL ROLE what it needs and no more (INSERT and SELECT only on append-only
    tables). Run as the owner (MIGRATION_DATABASE_URL) after every `flask db upgrade`."""
    try:
        statements = db_roles.grant_app_role(role)
    except ServiceError as error:
        click.echo(f"Error: {error.message}", err=True)
        raise SystemExit(1) from None
    for statement in statements:
        click.echo(statement + ";")


@risks_cli.command("refresh")
@click.option("--plan", "plan_id", type=int, default=None, help="Only this plan (default: every plan).")
def risks_refresh(plan_id: int | None) -> None:
    """Re-evaluate every action against the register's rules. Run it daily (see the README)."""
    result = risks.refresh(plan_id)
    click.echo(
        f"Risk register refreshed: {result.opened} opened, {result.updated} updated, {result.closed} closed, "
        f"{result.unchanged} unchanged."
    )


@challenges_cli.command("escalate")
def challenges_escalate() -> None:
    """Tell the senior managers of challenges unanswered past their due date, once each. Run it daily."""
    count = challenges.escalate_overdue()
    click.echo(f"Overdue challenges escalated: {count}.")


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop (default: run until stopped).")
def worker(burst: bool) -> None:
    """Run the background jobs (the committee packs) queued on JOBS_REDIS_URL. Start one beside gunicorn."""
    if current_app.config.get("JOBS_MODE") != "rq":
        click.echo(
            "Error: no job queue is configured (JOBS_MODE is not rq): set JOBS_REDIS_URL. Without one, jobs run "
            "in a thread of the web server and no worker is needed.",
            err=True,
        )
        raise SystemExit(1)
    queue = jobs.queue()
    click.echo(f"Working on the job queue {queue.name!r}" + (" until it is empty." if burst else ". Ctrl-C stops."))
    jobs.worker().work(burst=burst)


@reports_cli.command("render")
@click.option("--baseline", "baseline_id", type=int, required=True, help="The baseline whose pack is missing.")
def reports_render(baseline_id: int) -> None:
    """Prepare the missing committee documents of a presented baseline, here and now."""
    try:
        job = report_pack.rebuild(baseline_id)
    except ServiceError as error:
        click.echo(f"Error: {error.message}", err=True)
        raise SystemExit(1) from None
    if job.state != "done":
        click.echo(f"Error: {job.error or 'the documents could not be prepared'}", err=True)
        raise SystemExit(1)
    click.echo(f"Committee documents stored for baseline {baseline_id}.")


@reminders_cli.command("send")
@click.option(
    "--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="As if today were this day."
)
def reminders_send(on: object | None) -> None:
    """Send the reminders due today, the daily digests and the weekly summary; run daily from cron.

    Idempotent: each reminder goes once per person, item and reason, each digest once a day (the weekly
    summary once a week), however often it runs.
    """
    day = on.date() if hasattr(on, "date") else today()
    with mail.held():  # sent below, all at once, rather than a job after each commit
        escalated = challenges.escalate_overdue(day)
        sent = reminders.send_due(day)
        daily = digests.send_daily(day)
        weekly = digests.send_weekly(day)
    outbox = mail.send_pending()
    click.echo(
        f"Challenges escalated: {escalated}. "
        f"Reminders: {sent.sent} sent, {sent.already_sent} already sent before. Daily digests: {daily}. "
        f"Weekly summaries: {weekly}."
    )
    _mail_result(outbox)


@mail_cli.command("send")
def mail_send() -> None:
    """Send the e-mail that is due, retries included; run every few minutes from cron."""
    _mail_result(mail.send_pending())


def _mail_result(result: mail.SendResult) -> None:
    click.echo(f"E-mail: {result.sent} sent, {result.retrying} to be tried again, {result.failed} failed.")
    for problem in result.problems:
        click.echo(f"Could not send {problem}", err=True)


@demo_cli.command("seed")
@click.option(
    "--history/--without-history",
    default=True,
    help="Also play out the months since July: a presented meeting, approved changes, a waiting proposal.",
)
@click.option(
    "--scale",
    type=click.IntRange(1, demo_scale.MAX_SCALE),
    default=None,
    metavar="N",
    help="For measuring: N times the demo in one plan, with a made-up history in proportion "
    "(into an empty database; see docs/benchmarks.md).",
)
def demo_seed(history: bool, scale: int | None) -> None:
    """Load the demo plan and accounts. Does nothing if they are already there."""
    if current_app.config.get("JOBS_MODE") == "thread":
        # The July meeting's pack: prepared before the command ends (a thread would die with it), and while
        # the demo's clock is at its own day in July.
        current_app.config["JOBS_MODE"] = "sync"
    if scale is not None:
        try:
            result = demo_scale.seed_scaled(scale)
        except ServiceError as error:
            click.echo(f"Error: {error.message}", err=True)
            raise SystemExit(1) from None
        figures = ", ".join(f"{count} {table.replace('_', ' ')}" for table, count in result.counts.items())
        click.echo(f"Demo plan loaded at {scale} times its size (plan {result.plan.id}): {figures}.")
        return
    try:
        plan, created = demo.seed_demo(history=history)
    except ServiceError as refused:
        click.echo(f"Error: {refused.message}", err=True)
        raise SystemExit(1) from refused
    if created:
        click.echo(
            f"Demo plan loaded: {plan.title} (plan {plan.id}). Sign in as pm@example.org with demo-password-2015."
        )
    else:
        click.echo(f"Demo plan already present: {plan.title} (plan {plan.id}). Nothing changed.")


def _fail(error: ValidationFailed | NotFound) -> NoReturn:
    messages = error.errors.values() if isinstance(error, ValidationFailed) else [error.message]
    for message in messages:
        click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


def _user(email: str) -> User:
    user = accounts.find_by_email(email)
    if user is None:
        _fail(NotFound(f"No account with the e-mail address {email}"))
    return user


ROLE_CHOICE = click.Choice([r.value for r in Role])


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option("--job-title", default="")
@click.option("--work-stream", "work_streams", type=int, multiple=True, help="Work stream id (service managers only).")
@click.option(
    "--temporary",
    is_flag=True,
    help="The password is for someone else: they must choose their own when they first sign in.",
)
@click.password_option(help="Prompted for if not given.")
def users_create(
    email: str, name: str, role: str, job_title: str, work_streams: tuple[int, ...], temporary: bool, password: str
) -> None:
    """Create an account, such as the first administrator (who types their own password, so is not asked to
    change it; give --temporary when creating an account for someone else)."""
    try:
        user = accounts.create_user(
            SYSTEM,
            email=email,
            name=name,
            role=role,
            password=password,
            job_title=job_title,
            work_stream_ids=work_streams,
            must_change_password=temporary,
        )
    except ValidationFailed as error:
        _fail(error)
    else:
        then = " They must choose their own password when they first sign in." if temporary else ""
        click.echo(f"Created {user.email} as {user.role_label}.{then}")


@users_cli.command("list")
def users_list() -> None:
    """List accounts."""
    for user in accounts.list_users():
        streams = ",".join(str(ws.number) for ws in user.work_streams)
        state = "active" if user.active else "deactivated"
        if user.must_change_password:
            state += ", must change password"
        click.echo(f"{user.id}\t{user.email}\t{user.name}\t{user.role}\t{state}\t{streams}")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def users_set_role(email: str, role: str) -> None:
    """Change someone's role."""
    user = _user(email)
    try:
        accounts.update_user(
            SYSTEM,
            user.id,
            name=user.name,
            job_title=user.job_title,
            role=role,
            work_stream_ids=[ws.id for ws in user.work_streams],
        )
    except ValidationFailed as error:
        _fail(error)
    click.echo(f"{user.email} is now {Role(role).label}.")


@users_cli.command("assign")
@click.argument("email")
@click.argument("work_stream_ids", type=int, nargs=-1)
def users_assign(email: str, work_stream_ids: tuple[int, ...]) -> None:
    """Set the work streams a service manager runs (ids as shown by the work stream pages)."""
    user = _user(email)
    try:
        accounts.update_user(
            SYSTEM, user.id, name=user.name, job_title=user.job_title, role=user.role, work_stream_ids=work_stream_ids
        )
    except ValidationFailed as error:
        _fail(error)
    click.echo(f"{user.email} runs work streams: {', '.join(str(ws.number) for ws in user.work_streams) or 'none'}.")


@users_cli.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Stop someone signing in and end their sessions."""
    user = _user(email)
    try:
        accounts.set_active(SYSTEM, user.id, False)
    except ValidationFailed as error:
        _fail(error)
    click.echo(f"{user.email} deactivated.")


@users_cli.command("reactivate")
@click.argument("email")
def users_reactivate(email: str) -> None:
    user = _user(email)
    accounts.set_active(SYSTEM, user.id, True)
    click.echo(f"{user.email} reactivated.")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option()
def users_set_password(email: str, password: str) -> None:
    """Set a new password and end every session of that person, who must choose their own when they next sign in."""
    user = _user(email)
    try:
        accounts.set_password(SYSTEM, user.id, password)
    except ValidationFailed as error:
        _fail(error)
    click.echo(f"Password of {user.email} changed. They must choose their own when they next sign in.")


@backup_cli.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def backup_create(folder: Path) -> None:
    """Write the database, every evidence file and stored committee document, and a manifest of their
    SHA-256 sums, into FOLDER (new or empty). On PostgreSQL run it as the owner (MIGRATION_DATABASE_URL)."""
    try:
        made = backup.create(folder)
    except backup.BackupRefused as error:
        click.echo(f"Error: {error.message}", err=True)
        raise SystemExit(1) from None
    except Exception:
        backup.remove_partial(folder)
        raise
    click.echo(
        f"Backup written to {made.folder}: the {made.database} database, {made.evidence_files} evidence files, "
        f"{made.report_files} committee documents, {filesize(made.total_bytes)}; "
        f"audit head {made.audit_head or 'none'}."
    )


@backup_cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def backup_restore(folder: Path) -> None:
    """Check FOLDER's every file against its manifest, then restore it into an empty database and storage,
    and verify the audit chain. Refuses, changing nothing, a backup that does not match its sums."""
    try:
        restored = backup.restore(folder)
    except backup.BackupRefused as error:
        click.echo(f"Error: {error.message}", err=True)
        raise SystemExit(1) from None
    click.echo(
        f"Restored from {restored.folder}: {restored.evidence_files} evidence files, {restored.report_files} "
        f"committee documents. The audit chain verifies; its head is {restored.audit_head or 'none'}."
    )
    if restored.database == "postgresql":
        click.echo("Now give the app's role its grants: flask db grant-app-role ROLE (as the owner).")
