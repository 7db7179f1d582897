"""Privacy: the personal-data registry (export and erasure), the disclosure register; later consent and visits."""

from storefront.privacy import disclosures  # noqa: F401 - registers its table and registry entry
