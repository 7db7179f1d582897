"""Admin: the support inbox: tickets, replies, closing, and conversations staff open about an order."""
