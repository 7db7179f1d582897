"""Admin: customers (each view of one audited) and legal requests from authorities."""
