"""Privacy: the personal-data registry, the disclosure register and legal requests, the policy
versions, the consent ledger and visit records. No pages: the policy feature serves them."""

# Imported for their tables and registry entries.
from storefront.privacy import consent, disclosures, legal, policy, visits  # noqa: F401
