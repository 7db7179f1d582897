"""Privacy: the personal-data registry, the disclosure register and legal requests, the audit log,
the policy versions, the consent ledger and visit records. No pages: the policy and admin features
serve them."""

# Imported for their tables and registry entries.
from storefront.privacy import audit, consent, disclosures, legal, policy, visits  # noqa: F401
