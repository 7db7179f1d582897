"""Privacy: the personal-data registry (export and erasure); later the consent ledger, visits and disclosures."""
