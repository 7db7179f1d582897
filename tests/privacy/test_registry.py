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


def test_every_table_with_personal_data_is_registered(app):
    registered = entries()
    forgotten = [t.name for t in db.metadata.sorted_tables if holds_personal_data(t) and t.name not in registered]
    assert forgotten == [], f"add these tables to the privacy registry: {forgotten}"


def test_every_entry_exports_and_erases_or_says_why_it_is_kept(app):
    for name, entry in entries().items():
        assert name in db.metadata.tables, name
        assert (entry.export and entry.erase and entry.category) or entry.retained, name
