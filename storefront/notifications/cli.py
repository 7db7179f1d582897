"""The `flask outbox` commands: deliver queued email once, or keep delivering it."""

import logging
import time

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from storefront.extensions import db
from storefront.notifications.delivery import deliver_due

outbox = AppGroup("outbox", help="The outbox of transactional email.")
log = logging.getLogger(__name__)


@outbox.command("send")
@click.option("--loop", is_flag=True, help="Keep running, delivering mail as it falls due, until Ctrl-C.")
@click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds to wait between rounds with --loop.")
def send_command(loop: bool, interval: float) -> None:
    """Deliver queued email."""
    if not loop:
        report(*deliver_due())
        return
    try:
        keep_delivering(interval)
    except KeyboardInterrupt:
        click.echo("Stopped.")


def keep_delivering(interval: float) -> None:
    while True:
        sent, failed = deliver_round()
        if sent or failed:
            report(sent, failed)
        time.sleep(interval)


def deliver_round() -> tuple[int, int]:
    """One round of deliveries; a database error is logged and the next round tries again."""
    try:
        return deliver_due()
    except SQLAlchemyError:
        log.exception("outbox round failed; trying again after the interval")
        db.session.rollback()
        return 0, 0


def report(sent: int, failed: int) -> None:
    click.echo(f"Sent {sent}, failed {failed}.")
