"""Command-line tasks: ``flask --app wsgi <command>``.

The commands open their own session and commit once at the end, like a request does.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import database
from app.search.cli import search_group
from core import audit, migrate
from core.accounts import UserInput, create_user
from core.audit_verify import verify_chain
from core.errors import ValidationError
from core.people import Role
from standards.models import PdfState, Publication


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    session = database().open()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def register_cli(app: Flask) -> None:
    from app.publishing.cli import standards_group  # it uses this module's unit of work

    app.cli.add_command(standards_group)
    app.cli.add_command(db_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(reminders_command)
    app.cli.add_command(search_group)


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """数据库迁移（Alembic）。"""


@db_group.command("upgrade", help="将数据库升级到最新结构。")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    db = database()
    migrate.upgrade(db.engine, revision, audit_key=db.seal.key)
    click.echo(f"数据库已升级到 {migrate.current(db.engine)}")


@db_group.command("current", help="显示数据库当前的迁移版本。")
def db_current() -> None:
    click.echo(migrate.current(database().engine) or "（空数据库）")


@db_group.command("revision", help="按模型自动生成新的迁移脚本（开发用）。")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    migrate.revision(database().engine, message)


@click.group("audit", cls=AppGroup)
def audit_group() -> None:
    """审计链。"""


@audit_group.command("verify", help="校验审计链与检查点：完好时输出 OK，否则指出第一处问题。")
def audit_verify() -> None:
    with unit_of_work() as session:
        report = verify_chain(session)
    if report.ok:
        click.echo(f"OK: {report.checked} events, chain intact, {report.checkpoints} checkpoints confirmed")
        return
    where = f"event #{report.bad_seq}" if report.bad_seq else "the trail"
    click.echo(f"FAILED at {where}: {report.problem}", err=True)
    sys.exit(1)


@audit_group.command("checkpoint", help="输出带签名的链头（序号、签名、时间、校验码），供存档于系统之外。")
def audit_checkpoint() -> None:
    with unit_of_work() as session:
        checkpoint = audit.head_checkpoint(session)
    click.echo(checkpoint.line(), nl=False)


@click.command("create-user", help="创建用户（交互输入密码）。")
@with_appcontext
@click.option("--username", prompt="用户名")
@click.option("--name", "display_name", prompt="姓名")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]), help="可重复指定多个角色")
@click.option("--region", default=None, help="监管部门用户所属地区代码，如 370300")
@click.option("--enterprise", default=None, help="企业用户所属企业的统一社会信用代码")
@click.password_option("--password", prompt="密码", confirmation_prompt="再次输入密码")
def create_user_command(username: str, display_name: str, roles: tuple[str, ...],
                        region: str | None, enterprise: str | None, password: str) -> None:
    data = UserInput(username=username, display_name=display_name, roles={Role(r) for r in roles},
                     region_code=region, enterprise_code=enterprise)
    try:
        with unit_of_work() as session:
            user = create_user(session, None, data, password)
            name = user.username
    except ValidationError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已创建用户 {name}")


@click.command("seed-demo", help="在空数据库中载入演示数据（已有用户时跳过）。")
@with_appcontext
def seed_demo_command() -> None:
    from app.demo import DEMO_PASSWORD, demo_accounts, seed
    from app.publishing.tasks import make_pdf

    with unit_of_work() as session:
        seeded = seed(session, current_app.config["UPLOAD_DIR"])
        accounts = demo_accounts(session)
        waiting = [p.id for p in session.scalars(select(Publication).where(Publication.pdf_state == PdfState.QUEUED))]
    for publication_id in waiting:  # committed: the job consumer (make run starts it) makes their PDFs
        make_pdf(publication_id)
    click.echo("已载入演示数据。" if seeded else "数据库中已有数据，未重复载入演示数据。")
    if accounts:
        click.echo(f"演示账户（密码均为 {DEMO_PASSWORD}）：")
        for username, label in accounts:
            click.echo(f"  {username:<10} {label}")


@click.command("reminders", help="发送整改到期与逾期提醒（每日由 cron 运行；重复运行不会重复发送）。")
@with_appcontext
def reminders_command() -> None:
    from assessments.reminders import send_reminders

    with unit_of_work() as session:
        sent = send_reminders(session)
    click.echo("；".join(f"{kind.value}: {count}" for kind, count in sent.items()))
