import sqlite3

from sqlalchemy import select, text

from storefront.extensions import db


def find(email, table, order_column, user_id):
    # ruleid: no-sql-from-strings
    db.session.execute(text(f"SELECT * FROM users WHERE email = '{email}'"))
    # ruleid: no-sql-from-strings
    text("SELECT * FROM " + table)
    # ruleid: no-sql-from-strings
    text("SELECT * FROM users ORDER BY {}".format(order_column))
    # ruleid: no-sql-from-strings
    text("SELECT * FROM users WHERE id = %s" % user_id)
    # ruleid: no-sql-from-strings
    db.session.execute(f"DELETE FROM users WHERE id = {user_id}")
    with db.engine.connect() as connection:
        # ruleid: no-sql-from-strings
        connection.exec_driver_sql(f"PRAGMA table_info({table})")
        # ruleid: no-sql-from-strings
        connection.execute("SELECT 1 FROM " + table)
    statement = f"SELECT * FROM {table}"
    # ruleid: no-sql-from-strings
    db.session.execute(text(statement))
    cursor = sqlite3.connect(":memory:").cursor()
    # ruleid: no-sql-from-strings
    cursor.execute("UPDATE users SET name = '%s'" % email)

    # ok: no-sql-from-strings
    db.session.execute(text("SELECT * FROM users WHERE email = :email"), {"email": email})
    # ok: no-sql-from-strings
    db.session.execute(select(table).where(table.c.id == user_id))
    # ok: no-sql-from-strings
    cursor.execute("UPDATE users SET name = ? WHERE id = ?", (email, user_id))
    fixed = "PRAGMA wal_checkpoint(TRUNCATE)"
    # ok: no-sql-from-strings
    db.session.execute(text(fixed))
