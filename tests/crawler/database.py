"""A fingerprint of everything the database holds, table by table, to prove that a refused request wrote nothing."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import inspect, text

from storefront.extensions import db


@dataclass(frozen=True)
class Fingerprint:
    digests: dict[str, str]  # table → digest of its rows as stored (ciphertext, not decrypted values)

    def changed_since(self, before: "Fingerprint") -> list[str]:
        return sorted(name for name in self.digests.keys() | before.digests.keys()
                      if self.digests.get(name) != before.digests.get(name))


def fingerprint(app) -> Fingerprint:
    """Every table of the database (those only the migrations know of too), read raw and hashed."""
    with app.app_context():
        quote = db.engine.dialect.identifier_preparer.quote
        digests = {}
        for name in inspect(db.engine).get_table_names():
            rows = sorted(repr(tuple(row)) for row in db.session.execute(text(f"SELECT * FROM {quote(name)}")))
            digests[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        db.session.remove()
    return Fingerprint(digests)
