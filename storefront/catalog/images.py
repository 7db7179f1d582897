"""Product pictures uploaded in the admin: checked by content against wrong types, damage and
decompression bombs, cleaned of metadata, stored under generated names, ordered and removed."""

import io
import logging
import re
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from storefront.catalog.models import Product, ProductImage
from storefront.catalog.services import NotFound, move_in_order, save_product_image
from storefront.extensions import db

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The rest of the request around the file (the boundary, headers, the CSRF token).
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 10_000
MAX_ASPECT = 5
# Larger pictures are scaled down to this many pixels on the long side before they are stored.
STORED_SIDE = 2000
ACCEPT = "image/jpeg,image/png,image/webp"
# Pillow names the file's format from its content. MPO is the JPEG variant many cameras write
# (several pictures in one file); its first picture is used.
_OPENERS = ("JPEG", "PNG", "WEBP")
_ACCEPTED = {"JPEG", "MPO", "PNG", "WEBP"}
# The names save_product_image generates: the only ones /media/ serves and the only ones removed.
STORED_NAME = re.compile(rf"[0-9a-f]{{32}}(?:-{ProductImage.THUMB_WIDTH})?\.webp")

NOT_A_PICTURE = _l("This file is not a JPEG, PNG or WebP picture.")
DAMAGED = _l("This picture is damaged or incomplete and cannot be read.")
TOO_MANY_PIXELS = _l("This picture is too large: at most %(megapixels)d megapixels and %(side)d pixels on a side.",
                     megapixels=MAX_PIXELS // 1_000_000, side=MAX_SIDE)
TOO_NARROW = _l("This picture is too narrow: its long side may be at most %(ratio)d times its short side.",
                ratio=MAX_ASPECT)

logger = logging.getLogger(__name__)


class TooLarge(ValueError):
    """The file is larger than MAX_UPLOAD_BYTES (the view answers 413)."""


class ImageRejected(ValueError):
    """The file is not a picture the shop takes; the message is translated."""


def read_upload(stream) -> bytes:
    """The uploaded file's bytes, reading no more than the limit allows. Raises TooLarge."""
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge()
    return data


def clean_picture(data: bytes) -> Image.Image:
    """The picture in the bytes as a fresh RGB image: upright, flattened on white, no metadata at all.

    Only the content decides (never a file name or a browser's type). The size in the header is
    checked before any pixel is decoded, then the file is verified and decoded in full, so a
    truncated or corrupt file is refused. Raises ImageRejected.
    """
    try:
        with Image.open(io.BytesIO(data), formats=_OPENERS) as probe:
            _check_header(probe)
            probe.verify()
        with Image.open(io.BytesIO(data), formats=_OPENERS) as picture:
            picture.load()
            return _flatten(ImageOps.exif_transpose(picture))
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own check (a warning is an error only where warnings are errors, as in the tests).
        raise ImageRejected(TOO_MANY_PIXELS) from None
    except UnidentifiedImageError:
        raise ImageRejected(NOT_A_PICTURE) from None
    except Exception:  # noqa: BLE001 - decoders raise many kinds of error on hostile input; all mean "unreadable"
        logger.info("an uploaded picture could not be decoded", exc_info=True)
        raise ImageRejected(DAMAGED) from None


def _check_header(probe: Image.Image) -> None:
    if probe.format not in _ACCEPTED:
        raise ImageRejected(NOT_A_PICTURE)
    width, height = probe.size
    if width < 1 or height < 1 or width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageRejected(TOO_MANY_PIXELS)
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageRejected(TOO_NARROW)


def _flatten(picture: Image.Image) -> Image.Image:
    # Pasting into a new image leaves every piece of metadata (EXIF, GPS, ICC, XMP, text) behind.
    clean = Image.new("RGB", picture.size, "white")
    if picture.has_transparency_data:
        rgba = picture.convert("RGBA")
        clean.paste(rgba, mask=rgba.getchannel("A"))
    else:
        clean.paste(picture.convert("RGB"))
    clean.thumbnail((STORED_SIDE, STORED_SIDE), Image.Resampling.LANCZOS)
    return clean


def add_picture(product: Product, stream, upload_dir: str) -> ProductImage:
    """Check and store an uploaded picture as the product's last one. Adds the row and flushes;
    caller commits (or removes `stored_files(...)` if it cannot). Raises TooLarge or ImageRejected,
    having written nothing."""
    picture = clean_picture(read_upload(stream))
    return save_product_image(product, picture, upload_dir)


def stored_files(image: ProductImage) -> list[str]:
    return [image.filename, image.thumb_filename]


def _image_of(product: Product, image_id: int) -> ProductImage:
    for image in product.images:
        if image.id == image_id:
            return image
    raise NotFound(image_id)


def move_picture(product: Product, image_id: int, direction: str) -> None:
    """Move one of the product's pictures up or down (images loaded). Raises NotFound. Flushes."""
    move_in_order(list(product.images), _image_of(product, image_id), direction)


def delete_picture(product: Product, image_id: int) -> list[str]:
    """Delete one of the product's pictures (images loaded) and renumber the rest; returns its file
    names for the caller to remove once committed. Raises NotFound. Flushes."""
    image = _image_of(product, image_id)
    names = stored_files(image)
    product.images.remove(image)
    for position, rest in enumerate(product.images):
        rest.position = position
    db.session.flush()
    return names


def remove_files(names: list[str], upload_dir: str) -> None:
    """Delete stored picture files; names of any other shape are never touched."""
    for name in names:
        if STORED_NAME.fullmatch(name):
            (Path(upload_dir) / name).unlink(missing_ok=True)
