"""Admin pages that read and then write (the audit row of a staff view) never lose that write to a
writer who got in between: on SQLite they take the write lock first, so a customer's page never
sees "database is locked" and the audit log misses nothing."""

import sqlalchemy as sa
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from storefront.cart.models import Order
from storefront.extensions import db
from tests.admin import audit_rows, sign_in


def test_a_write_between_the_read_and_the_audit_row_does_not_fail_the_page(app, make_user, make_product, buy):
    assert buy(make_product()).status_code == 303
    owner = make_user(role="owner", email="owner@example.com")
    client = sign_in(app, owner.email)
    with app.app_context():
        number = db.session.scalar(select(Order.number))
        engine = db.engine
    interfered = []

    def another_writer(conn, cursor, statement, parameters, context, executemany):
        """Right after the page's first look at the order, someone else writes and commits."""
        if interfered or "FROM shop_order" not in statement or not statement.lstrip().upper().startswith("SELECT"):
            return
        interfered.append(True)
        try:
            with engine.connect() as other:
                if other.dialect.name == "sqlite":
                    # Set before the transaction begins (IMMEDIATE, as the page's does), so the lock is
                    # refused at once instead of after the 15 s busy timeout.
                    other.connection.dbapi_connection.execute("PRAGMA busy_timeout = 0")
                other.execute(sa.text("UPDATE product SET stock = stock + 1"))
                other.commit()
            interfered.append("committed")
        except OperationalError:
            interfered.append("waited for the page's lock")  # what SQLite does now

    event.listen(engine, "after_cursor_execute", another_writer)
    try:
        before = len(audit_rows(app))
        response = client.get(f"/en/admin/orders/{number}")
    finally:
        event.remove(engine, "after_cursor_execute", another_writer)
    assert len(interfered) == 2
    assert response.status_code == 200
    assert len(audit_rows(app)) == before + 1
