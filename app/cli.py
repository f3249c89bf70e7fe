"""`flask ...` commands: the demo, accounts, and checks for operators."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.policy import SYSTEM, Role
from app.services import accounts, demo
from app.services.errors import NotFound, ValidationFailed

demo_cli = AppGroup("demo", help="The demonstration plan and accounts.")
users_cli = AppGroup("users", help="Manage accounts from the command line.")
risks_cli = AppGroup("risks", help="The risk register.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(risks_cli)


@risks_cli.command("refresh")
@click.option("--plan", "plan_id", type=int, default=None, help="Only this plan (default: every plan).")
def risks_refresh(plan_id: int | None) -> None:
    """Re-evaluate every action against the register's rules. Run it daily (see the README)."""
    from app.services import risks

    result = risks.refresh(plan_id)
    click.echo(
        f"Risk register refreshed: {result.opened} opened, {result.updated} updated, {result.closed} closed, "
        f"{result.unchanged} unchanged."
    )


@demo_cli.command("seed")
@click.option(
    "--history/--without-history",
    default=True,
    help="Also play out the months since July: a presented meeting, approved changes, a waiting proposal.",
)
def demo_seed(history: bool) -> None:
    """Load the demo plan and accounts. Does nothing if they are already there."""
    plan, created = demo.seed_demo(history=history)
    if created:
        click.echo(
            f"Demo plan loaded: {plan.title} (plan {plan.id}). Sign in as pm@example.org with demo-password-2015."
        )
    else:
        click.echo(f"Demo plan already present: {plan.title} (plan {plan.id}). Nothing changed.")


def _fail(error: ValidationFailed | NotFound) -> None:
    messages = error.errors.values() if isinstance(error, ValidationFailed) else [error.message]
    for message in messages:
        click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


def _user(email: str):  # type: ignore[no-untyped-def]
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
@click.password_option(help="Prompted for if not given.")
def users_create(
    email: str, name: str, role: str, job_title: str, work_streams: tuple[int, ...], password: str
) -> None:
    """Create an account, such as the first administrator."""
    try:
        user = accounts.create_user(
            SYSTEM,
            email=email,
            name=name,
            role=role,
            password=password,
            job_title=job_title,
            work_stream_ids=work_streams,
        )
    except ValidationFailed as error:
        _fail(error)
    else:
        click.echo(f"Created {user.email} as {user.role_label}.")


@users_cli.command("list")
def users_list() -> None:
    """List accounts."""
    for user in accounts.list_users():
        streams = ",".join(str(ws.number) for ws in user.work_streams)
        state = "active" if user.active else "deactivated"
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
    """Set a new password and end every session of that person."""
    user = _user(email)
    try:
        accounts.set_password(SYSTEM, user.id, password)
    except ValidationFailed as error:
        _fail(error)
    click.echo(f"Password of {user.email} changed.")
