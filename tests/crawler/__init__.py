"""A crawler that follows every same-site link of the shop, in both languages, as a visitor, a customer and
the owner."""
