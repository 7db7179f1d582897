"""The consent ledger's hash chain: it verifies after many appends, any change to a stored entry (or a
deleted entry) is found at that entry, a fork cannot be written, erasing an account keeps the chain
whole, the `privacy verify-ledger` command says so, and thirty browsers deciding at once still make
one unbroken chain (on the SQLite file and on PostgreSQL).
"""

import itertools
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.exc import IntegrityError

from storefront.database import UTCDateTime, utcnow, write_transaction
from storefront.extensions import db
from storefront.privacy import consent as ledger
from storefront.privacy.consent import GENESIS, ConsentEntry, ConsentLink, entry_hash, verify_ledger
from tests.conftest import PASSWORD

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"


def append_many(app, n: int, user_id: int | None = None) -> list[int]:
    """n entries with varied fields, one transaction each (as the views write them); returns their ids."""
    ids = []
    with app.app_context():
        for i in range(n):
            with write_transaction():
                entry = ledger.append(
                    visitor=secrets.token_urlsafe(32), analytics=(True, False, None)[i % 3], policy_version=1 + i % 2,
                    shown_language=("en", "zh")[i % 2], prevailing_language="zh",
                    source=("banner", "settings", "forget")[i % 3], user_id=user_id if i % 4 == 0 else None,
                )
                db.session.commit()
                ids.append(entry.id)
    return ids


def verification(app) -> ledger.Verification:
    with app.app_context():
        result = verify_ledger()
        db.session.rollback()
        return result


def execute(app, statement, **params) -> int:
    """Run one raw SQL statement (as someone with database access would) and commit it."""
    with app.app_context(), write_transaction():
        rowcount = db.session.execute(statement if not isinstance(statement, str) else text(statement), params).rowcount
        db.session.commit()
        return rowcount


def stored(app, entry_id: int) -> ConsentEntry:
    with app.app_context():
        entry = db.session.get(ConsentEntry, entry_id)
        db.session.expunge(entry)
        return entry


def test_an_empty_ledger_verifies(app):
    result = verification(app)
    assert result.ok and result.entries == 0 and result.broken_at is None


def test_the_chain_verifies_after_many_appends(app, make_user):
    user = make_user()
    ids = append_many(app, 60, user_id=user.id)
    result = verification(app)
    assert result.ok and result.entries == 60
    # Small batches walk the same chain across their borders.
    with app.app_context():
        assert verify_ledger(batch=7) == ledger.Verification(60, None)
        entries = db.session.scalars(select(ConsentEntry).order_by(ConsentEntry.id)).all()
        assert entries[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
        assert len({e.hash for e in entries}) == 60
        assert db.session.scalar(select(func.count()).select_from(ConsentLink)) == len(ids[::4])


def test_an_entry_hash_covers_every_field(app):
    """Changing any one input of the hash changes the hash (the fields a tamperer would edit)."""
    now = utcnow()
    base = {"prev_hash": GENESIS, "visitor": "v" * 43, "analytics": True, "policy_version": 1, "shown_language": "en",
            "prevailing_language": "zh", "source": "banner", "created_at": now}
    original = entry_hash(**base)
    changes = {"prev_hash": "1" * 64, "visitor": "w" * 43, "analytics": False, "policy_version": 2,
               "shown_language": "zh", "prevailing_language": "en", "source": "settings",
               "created_at": now + timedelta(microseconds=1)}
    for field, value in changes.items():
        assert entry_hash(**{**base, field: value}) != original, field
    assert entry_hash(**{**base, "analytics": None}) not in (original, entry_hash(**{**base, "analytics": False}))


def _created_at_plus_one_microsecond(app, entry_id):
    moved = stored(app, entry_id).created_at + timedelta(microseconds=1)
    statement = text("UPDATE consent_entry SET created_at = :value WHERE id = :id").bindparams(
        bindparam("value", type_=UTCDateTime()))
    return execute(app, statement, value=moved, id=entry_id)


TAMPERING = {
    "analytics": lambda app, i: execute(app, "UPDATE consent_entry SET analytics = :v WHERE id = :id",
                                        v=not stored(app, i).analytics, id=i),
    "analytics to or from NULL": lambda app, i: execute(app, "UPDATE consent_entry SET analytics = :v WHERE id = :id",
                                                         v=None if stored(app, i).analytics is not None else False, id=i),
    "policy_version": lambda app, i: execute(app, "UPDATE consent_entry SET policy_version = policy_version + 1 "
                                                  "WHERE id = :id", id=i),
    "created_at": _created_at_plus_one_microsecond,
    "visitor": lambda app, i: execute(app, "UPDATE consent_entry SET visitor = :v WHERE id = :id",
                                      v=secrets.token_urlsafe(32), id=i),
    "shown_language": lambda app, i: execute(app, "UPDATE consent_entry SET shown_language = 'xx' WHERE id = :id", id=i),
    "prevailing_language": lambda app, i: execute(app, "UPDATE consent_entry SET prevailing_language = 'en' "
                                                       "WHERE id = :id", id=i),
    "source": lambda app, i: execute(app, "UPDATE consent_entry SET source = 'settings' WHERE id = :id AND source <> "
                                          "'settings'", id=i) or execute(
        app, "UPDATE consent_entry SET source = 'banner' WHERE id = :id", id=i),
    "hash": lambda app, i: execute(app, "UPDATE consent_entry SET hash = :v WHERE id = :id", v="f" * 64, id=i),
    "prev_hash": lambda app, i: execute(app, "UPDATE consent_entry SET prev_hash = :v WHERE id = :id", v="e" * 64, id=i),
}


@pytest.mark.parametrize("field", list(TAMPERING))
def test_editing_any_field_of_an_entry_is_found_at_that_entry(app, field):
    ids = append_many(app, 12)
    assert verification(app).ok
    target = ids[6]
    assert TAMPERING[field](app, target) == 1
    result = verification(app)
    assert not result.ok
    assert result.broken_at == target
    assert result.entries == 6  # the good entries before it


@pytest.mark.parametrize("position", [0, 11], ids=["first", "last"])
@pytest.mark.parametrize("field", ["analytics", "created_at"])
def test_editing_the_first_or_the_last_entry_is_found(app, field, position):
    ids = append_many(app, 12)
    TAMPERING[field](app, ids[position])
    assert verification(app) == ledger.Verification(position, ids[position])


def test_rewriting_an_entry_with_a_fresh_hash_breaks_the_next_link(app):
    ids = append_many(app, 8)
    victim = stored(app, ids[3])
    forged = entry_hash(victim.prev_hash, victim.visitor, not victim.analytics, victim.policy_version,
                        victim.shown_language, victim.prevailing_language, victim.source, victim.created_at)
    execute(app, "UPDATE consent_entry SET analytics = :a, hash = :h WHERE id = :id",
            a=not victim.analytics, h=forged, id=ids[3])
    result = verification(app)
    assert result.broken_at == ids[4] and result.entries == 4


@pytest.mark.parametrize("position", [0, 4], ids=["first", "middle"])
def test_deleting_an_entry_is_found(app, position):
    ids = append_many(app, 9)
    assert execute(app, "DELETE FROM consent_entry WHERE id = :id", id=ids[position]) == 1
    result = verification(app)
    assert not result.ok
    assert result.broken_at == ids[position + 1]
    assert result.entries == position


def test_a_forked_chain_cannot_be_written(app):
    ids = append_many(app, 5)
    sibling_of = stored(app, ids[2])
    with app.app_context(), write_transaction():
        now = utcnow()
        fork = ConsentEntry(visitor=secrets.token_urlsafe(32), analytics=True, policy_version=1, shown_language="en",
                            prevailing_language="zh", source="banner", created_at=now, prev_hash=sibling_of.prev_hash)
        fork.hash = fork.compute_hash()
        db.session.add(fork)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    # Nor a second entry after the last one (two appends that both read the same last hash).
    last = stored(app, ids[-1])
    with app.app_context(), write_transaction():
        for n in range(2):
            entry = ConsentEntry(visitor=f"{n}" * 43, analytics=False, policy_version=1, shown_language="zh",
                                 prevailing_language="zh", source="settings", created_at=utcnow(), prev_hash=last.hash)
            entry.hash = entry.compute_hash()
            db.session.add(entry)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    result = verification(app)
    assert result.ok and result.entries == 5


def test_deleting_the_account_removes_the_links_and_keeps_a_verifying_chain(app, client, signed_in):
    stranger = app.test_client()
    assert stranger.post("/en/privacy/consent", data={"analytics": "yes"}, headers={"User-Agent": UA}).status_code == 303
    for answer in ("yes", "no"):
        response = client.post("/zh/privacy/consent", data={"analytics": answer, "source": "banner"},
                               headers={"User-Agent": UA})
        assert response.status_code == 303
    assert client.post("/en/privacy/forget", headers={"User-Agent": UA}).status_code == 303
    assert stranger.post("/en/privacy/consent", data={"analytics": "no"}, headers={"User-Agent": UA}).status_code == 303
    with app.app_context():
        before = db.session.execute(select(ConsentEntry.id, ConsentEntry.hash).order_by(ConsentEntry.id)).all()
        linked = db.session.scalars(select(ConsentLink.user_id)).all()
    assert len(before) == 5 and linked == [signed_in.id] * 3

    response = client.post("/en/account/delete", data={"password": PASSWORD})
    assert response.status_code == 303, response.status_code

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConsentLink)) == 0
        after = db.session.execute(select(ConsentEntry.id, ConsentEntry.hash).order_by(ConsentEntry.id)).all()
    assert after == before
    result = verification(app)
    assert result.ok and result.entries == 5
    # The ledger goes on after the erasure.
    assert stranger.post("/en/privacy/consent", data={"analytics": "yes"}, headers={"User-Agent": UA}).status_code == 303
    assert verification(app) == ledger.Verification(6, None)


def test_the_cli_says_a_good_chain_verifies(app, runner):
    empty = runner.invoke(args=["privacy", "verify-ledger"])
    assert empty.exit_code == 0, empty.output
    assert "0 entries" in empty.output
    append_many(app, 15)
    result = runner.invoke(args=["privacy", "verify-ledger"])
    assert result.exit_code == 0, result.output
    assert "15 entries" in result.output


def test_the_cli_fails_on_a_broken_chain_and_names_the_entry(app, runner):
    ids = append_many(app, 15)
    TAMPERING["analytics"](app, ids[9])
    result = runner.invoke(args=["privacy", "verify-ledger"])
    assert result.exit_code != 0
    assert f"entry {ids[9]}" in result.output
    assert "9 good entries" in result.output


def test_thirty_browsers_deciding_at_once_make_one_chain(app):
    browsers = 30
    barrier = threading.Barrier(browsers)

    def decide(n: int):
        client = app.test_client()
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        response = client.post(f"/{('en', 'zh')[n % 2]}/privacy/consent",
                               data={"analytics": ("yes", "no")[n % 2], "source": "banner", "next": f"/en/?n={n}"},
                               headers={"User-Agent": UA})
        return response.status_code, response.headers.get("Location")

    with ThreadPoolExecutor(max_workers=browsers) as pool:
        results = list(pool.map(decide, range(browsers)))
    assert sorted(status for status, _ in results) == [303] * browsers, results
    assert sorted(location for _, location in results) == sorted(f"/en/?n={n}" for n in range(browsers))
    with app.app_context():
        entries = db.session.scalars(select(ConsentEntry).order_by(ConsentEntry.id)).all()
        assert len(entries) == browsers
        assert len({e.visitor for e in entries}) == browsers
        assert sum(e.analytics for e in entries) == browsers // 2
        assert entries[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
        assert verify_ledger() == ledger.Verification(browsers, None)


def test_the_cli_prints_the_head_hash_of_the_chain(app, runner):
    empty = runner.invoke(args=["privacy", "verify-ledger"])
    assert empty.exit_code == 0, empty.output
    assert re.search(r"\bhead ([0-9a-f]{64})\b", empty.output).group(1) == GENESIS
    ids = append_many(app, 12)
    result = runner.invoke(args=["privacy", "verify-ledger"])
    assert result.exit_code == 0, result.output
    head = re.search(r"\bhead ([0-9a-f]{64})\b", result.output)
    assert head, result.output
    assert head.group(1) == stored(app, ids[-1]).hash
    assert head.group(1) != stored(app, ids[-2]).hash
    # One more entry moves the head: a chain cut back to an earlier entry no longer reaches it.
    [last] = append_many(app, 1)
    moved = runner.invoke(args=["privacy", "verify-ledger"])
    assert re.search(r"\bhead ([0-9a-f]{64})\b", moved.output).group(1) == stored(app, last).hash
    assert "13 entries" in moved.output
