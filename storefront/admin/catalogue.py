"""Admin: the catalogue: products (texts in both languages, images, stock, archive) and categories."""
