"""Admin: orders: the list, one order, shipping (hand-over to logistics), delivery and cancellation."""
