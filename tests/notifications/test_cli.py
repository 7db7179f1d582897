import pytest
from flask import Flask

from storefront.extensions import db
from storefront.notifications.models import OutboxMessage
from storefront.notifications.services import queue_email


def test_send_delivers_queued_mail(runner, queue, mail_dir):
    queue()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sent 1, failed 0.\n"
    assert len(list(mail_dir.glob("*.eml"))) == 1


def test_send_reports_failures(app, runner, queue):
    queue()
    app.config["MAIL_URL"] = "gopher://mail.example"
    result = runner.invoke(args=["outbox", "send"])
    assert result.output == "Sent 0, failed 1.\n"


def test_send_with_nothing_queued(runner):
    assert runner.invoke(args=["outbox", "send"]).output == "Sent 0, failed 0.\n"


@pytest.mark.parametrize(("args", "text"), [(["outbox", "--help"], "send"), (["outbox", "send", "--help"], "--loop")])
def test_help_describes_the_commands(runner, args, text):
    result = runner.invoke(args=args)
    assert result.exit_code == 0
    assert "Deliver queued email" in result.output
    assert text in result.output


def test_loop_reports_rounds_that_did_something_and_stops_on_ctrl_c(runner, queue, monkeypatch):
    queue()
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("storefront.notifications.cli.time.sleep", sleep)
    result = runner.invoke(args=["outbox", "send", "--loop", "--interval", "2"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sent 1, failed 0.\nStopped.\n"
    assert naps == [2, 2]


def test_development_app_delivers_due_mail_after_each_response(make_outbox_app, message_values, mail_dir):
    dev = make_outbox_app(DEV=True)
    with dev.app_context():
        message_id = queue_email(**message_values).id
        db.session.commit()
    response = dev.test_client().get("/healthz")
    assert not mail_dir.exists()  # nothing happens before the response is closed
    response.close()
    assert len(list(mail_dir.glob("*.eml"))) == 1
    with dev.app_context():
        assert db.session.get(OutboxMessage, message_id).status == "sent"


def test_development_delivery_problems_never_reach_the_visitor(make_outbox_app, queue, caplog):
    dev = make_outbox_app(DEV=True, MAIL_URL="gopher://mail.example")
    queue()
    with dev.test_client().get("/healthz") as response:
        assert response.status_code == 200
    assert "failed on attempt 1: ValueError" in caplog.text


def test_development_hook_logs_an_exception_instead_of_raising(make_outbox_app, monkeypatch, caplog):
    dev = make_outbox_app(DEV=True)

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("storefront.notifications.deliver_due", broken)
    with dev.test_client().get("/healthz") as response:
        assert response.status_code == 200
    assert "delivering the outbox after a request failed" in caplog.text


def test_production_app_leaves_delivery_to_the_worker(client, queue, mail_dir):
    queue()
    with client.get("/healthz") as response:
        assert response.status_code == 200
    assert not mail_dir.exists()


def test_external_url_is_a_template_global(app: Flask):
    assert app.jinja_env.globals["external_url"].__name__ == "external_url"
