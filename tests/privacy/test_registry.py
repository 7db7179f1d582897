from sqlalchemy import inspect

from storefront.extensions import db
from storefront.privacy.registry import entries

PERSON_COLUMNS = {"user_id", "email", "recipient"}


def holds_personal_data(table) -> bool:
    for column in table.columns:
        if column.info.get("personal") or column.name in PERSON_COLUMNS:
            return True
        if any(fk.column.table.name == "user" for fk in column.foreign_keys):
            return True
    return False


def test_every_table_is_registered(app):
    """Complete by construction: every table says how it is exported and erased, or why it is kept."""
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    forgotten = sorted((tables | set(db.metadata.tables)) - set(entries()))
    assert "product_text_search_idx" in entries()  # FTS5's shadow tables are covered too
    assert forgotten == [], f"add these tables to the privacy registry: {forgotten}"


def test_tables_with_personal_data_are_exported_and_erased(app):
    for table in db.metadata.sorted_tables:
        if holds_personal_data(table):
            entry = entries()[table.name]
            assert entry.export and entry.erase, f"{table.name} holds personal data but is only 'retained'"


def test_every_entry_exports_and_erases_or_says_why_it_is_kept(app):
    search_index = {name for name, entry in entries().items() if "search index" in (entry.retained or "")}
    for name, entry in entries().items():
        # A registered name is a model's table, Alembic's, or (SQLite) one of the search index's tables.
        assert name in db.metadata.tables or name == "alembic_version" or name in search_index, name
        assert (entry.export and entry.erase and entry.category) or entry.retained, name
