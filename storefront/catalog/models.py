"""Categories and products, their per-language texts and their images."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship

from storefront.database import utcnow
from storefront.extensions import db


class Category(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    translations: Mapped[dict[str, "CategoryTranslation"]] = relationship(
        collection_class=attribute_keyed_dict("locale"), cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class CategoryTranslation(db.Model):
    __table_args__ = (UniqueConstraint("category_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")


class Product(db.Model):
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        # The shop's list and its count, whole or by category, newest first: read from the index alone.
        Index("ix_product_for_sale_newest", "is_active", "archived_at", "created_at", "id"),
        Index("ix_product_category_for_sale_newest", "category_id", "is_active", "archived_at", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    price: Mapped[Decimal]
    stock: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    is_featured: Mapped[bool] = mapped_column(default=False)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set when the product is retired: it leaves the shop for good but stays for the orders that name it.
    archived_at: Mapped[datetime | None]

    category: Mapped[Category | None] = relationship(lazy="raise")
    translations: Mapped[dict[str, "ProductTranslation"]] = relationship(
        collection_class=attribute_keyed_dict("locale"), cascade="all, delete-orphan", lazy="raise"
    )
    images: Mapped[list["ProductImage"]] = relationship(
        order_by="ProductImage.position", cascade="all, delete-orphan", lazy="raise"
    )

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def cover(self) -> "ProductImage | None":
        return self.images[0] if self.images else None

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"


class ProductTranslation(db.Model):
    __table_args__ = (UniqueConstraint("product_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")


class ProductImage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(80), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)

    THUMB_WIDTH = 400

    @property
    def thumb_filename(self) -> str:
        return self.filename.replace(".webp", f"-{self.THUMB_WIDTH}.webp")

    @property
    def thumb_height(self) -> int:
        return round(self.height * self.THUMB_WIDTH / self.width)


class CatalogVersion(db.Model):
    """One row: a number that triggers raise with every change to the catalogue's tables (migration 0010),
    in the same transaction; the page caches key what they render by it (catalog.fragments)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    raised_by: Mapped[int | None] = mapped_column(BigInteger)  # PostgreSQL: the transaction that last raised it
