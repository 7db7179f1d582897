"""Key rotation without loss: after `keys rotate` under "B,A", a shop holding only key B reads every
personal field back unchanged, and every stored token is B's (so A can be destroyed)."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Text, select, type_coerce

from storefront.extensions import db
from storefront.security import Encrypted
from tests.conftest import TEST_DATA_KEY
from tests.test_backup import assert_holds_the_shop, build_shop, read_shop

KEY_A = TEST_DATA_KEY  # what the `app` fixture encrypts with
# Every table with an encrypted column that build_shop fills: a new one missing here fails the coverage check.
EXPECTED_TABLES = {"user", "address", "shop_order", "support_ticket", "support_message", "outbox_message",
                   "visit_record"}


def raw_tokens(app) -> dict[tuple[str, str, int], bytes]:
    """Every non-empty encrypted value as stored, by (table, column, primary key)."""
    tokens = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, Encrypted)]
            if not columns:
                continue
            key = list(table.primary_key.columns)[0]
            query = select(key, *(type_coerce(c, Text).label(c.name) for c in columns))
            for row in db.session.execute(query).mappings():
                tokens.update({(table.name, c.name, row[key.name]): row[c.name].encode() for c in columns if row[c.name]})
        db.session.remove()
    return tokens


@pytest.fixture
def shop(app, make_user, make_product):
    return build_shop(app, make_user, make_product)


def test_rotation_moves_every_personal_field_to_the_new_key_and_loses_nothing(app, shop, make_app):
    before = read_shop(app)
    assert_holds_the_shop(before, shop)
    tokens_a = raw_tokens(app)
    assert {table for table, _, _ in tokens_a} == EXPECTED_TABLES
    key_b = Fernet.generate_key().decode()

    with pytest.raises(InvalidToken):  # the test has teeth: B alone reads nothing before the rotation
        read_shop(make_app(DATA_KEYS=key_b))
    rotating = make_app(DATA_KEYS=f"{key_b},{KEY_A}")
    assert read_shop(rotating) == before  # new writes would use B, old rows still read with A

    result = rotating.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert f"Re-encrypted {len(tokens_a)} values under the newest key." in result.output

    only_b = make_app(DATA_KEYS=key_b)
    assert read_shop(only_b) == before
    tokens_b = raw_tokens(only_b)
    assert tokens_b.keys() == tokens_a.keys()
    old, new = Fernet(KEY_A.encode()), Fernet(key_b.encode())
    for where, token in tokens_b.items():
        assert token != tokens_a[where], where
        assert new.decrypt(token) == old.decrypt(tokens_a[where]), where
        with pytest.raises(InvalidToken):
            old.decrypt(token)
    with pytest.raises(InvalidToken):  # and A alone no longer reads the shop
        read_shop(make_app(DATA_KEYS=KEY_A))


def test_rotating_again_under_the_same_key_changes_no_value(app, shop, make_app):
    """Safe to run twice (an operator unsure whether the first run finished): the values stay readable."""
    before = read_shop(app)
    key_b = Fernet.generate_key().decode()
    rotating = make_app(DATA_KEYS=f"{key_b},{KEY_A}")
    runner = rotating.test_cli_runner()
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    first = raw_tokens(rotating)
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    again = raw_tokens(rotating)
    new = Fernet(key_b.encode())
    assert {where: new.decrypt(token) for where, token in again.items()} == \
        {where: new.decrypt(token) for where, token in first.items()}
    assert read_shop(make_app(DATA_KEYS=key_b)) == before


def test_rotating_without_the_old_key_is_refused_cleanly_and_changes_nothing(app, shop, make_app):
    """The old key removed too early: a clear message, no traceback, and every value still A's."""
    tokens_a = raw_tokens(app)
    result = make_app(DATA_KEYS=Fernet.generate_key().decode()).test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 1
    assert "not in STOREFRONT_DATA_KEYS: nothing was changed" in result.output
    assert "Traceback" not in result.output
    assert raw_tokens(app) == tokens_a
