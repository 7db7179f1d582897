"""Product pictures: only real JPEG, PNG and WebP content within the size and pixel limits is taken,
stored without metadata under generated names, served as WebP with nosniff, ordered and deleted."""

import io
import struct
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from storefront.catalog import images
from storefront.catalog.models import ProductImage
from storefront.extensions import db
from tests.admin import csrf_token_of, field_error, sign_in, translated

NOT_A_PICTURE = "This file is not a JPEG, PNG or WebP picture."
DAMAGED = "This picture is damaged or incomplete and cannot be read."
TOO_MANY_PIXELS = "This picture is too large: at most %(megapixels)d megapixels and %(side)d pixels on a side."
TOO_NARROW = "This picture is too narrow: its long side may be at most %(ratio)d times its short side."
NO_FILE = "Choose a picture to upload."


def picture(fmt: str = "PNG", size=(640, 480), color="teal", mode="RGB", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **options)
    return buffer.getvalue()


def noisy_jpeg(size=(400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def damaged_png() -> bytes:
    data = bytearray(picture("PNG"))
    data[data.index(b"IDAT") + 10] ^= 0xFF  # its checksum no longer matches
    return bytes(data)


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed 1-bit PNG of that size whose rows are all zero: tiny on disk, huge decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    blocks, rest = divmod(height, 1000)
    data = b"".join(packer.compress(row * 1000) for _ in range(blocks)) + packer.compress(row * rest) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def upload(client, product_id: int, data: bytes, filename: str = "photo.jpg", lang: str = "en",
           content_type: str = "image/jpeg", **extra):
    # Encoded in memory: the test client's own temporary file for large bodies is never closed.
    boundary, body = encode_multipart(
        {"image": FileStorage(io.BytesIO(data), filename=filename, content_type=content_type), **extra})
    return client.post(f"/{lang}/admin/products/{product_id}/images", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def shop(app, make_user, make_product):
    make_user(role="staff", email="staff@example.com")
    return SimpleNamespace(app=app, client=sign_in(app, "staff@example.com"), product=make_product(slug="lens"),
                           upload_dir=Path(app.config["UPLOAD_DIR"]))


def rows(app) -> list[SimpleNamespace]:
    with app.app_context():
        found = db.session.scalars(select(ProductImage).order_by(ProductImage.product_id, ProductImage.position))
        return [SimpleNamespace(id=i.id, product_id=i.product_id, filename=i.filename, thumb=i.thumb_filename,
                                width=i.width, height=i.height, position=i.position) for i in found]


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


@pytest.mark.parametrize("fmt, options", [("JPEG", {}), ("PNG", {}), ("WEBP", {}), ("PNG", {"mode": "RGBA"}),
                                          ("PNG", {"mode": "P"}), ("JPEG", {"mode": "CMYK", "color": "red"}),
                                          ("PNG", {"mode": "I;16", "color": 30000})])
def test_a_jpeg_png_or_webp_is_stored_as_webp_under_a_generated_name(shop, fmt, options):
    response = upload(shop.client, shop.product.id, picture(fmt, **options), filename="holiday.png")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/en/admin/products/{shop.product.id}#pictures")
    [row] = rows(shop.app)
    assert images.STORED_NAME.fullmatch(row.filename) and images.STORED_NAME.fullmatch(row.thumb)
    assert "holiday" not in row.filename
    assert (row.width, row.height, row.product_id) == (640, 480, shop.product.id)
    assert files(shop.upload_dir) == sorted([row.filename, row.thumb])
    with Image.open(shop.upload_dir / row.filename) as stored:
        assert stored.format == "WEBP" and stored.size == (640, 480)
    with shop.client.get(f"/media/{row.filename}") as served:
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "image/webp"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
    page = shop.client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'src="/media/{row.thumb}"' in page
    assert translated(shop.app, "en", "The picture is added.") in page


def test_the_upload_field_accepts_only_the_three_types_and_posts_multipart(shop):
    page = shop.client.get(f"/en/admin/products/{shop.product.id}").get_data(as_text=True)
    assert 'accept="image/jpeg,image/png,image/webp"' in page and 'type="file"' in page
    assert f'action="/en/admin/products/{shop.product.id}/images" enctype="multipart/form-data"' in page


def test_a_transparent_png_is_flattened_on_white(shop):
    assert upload(shop.client, shop.product.id, picture("PNG", mode="RGBA", color=(0, 0, 0, 0))).status_code == 303
    [row] = rows(shop.app)
    with Image.open(shop.upload_dir / row.filename) as stored:
        assert all(channel > 245 for channel in stored.convert("RGB").getpixel((10, 10)))


def test_a_large_picture_is_scaled_down_for_the_shop(shop):
    assert upload(shop.client, shop.product.id, picture("JPEG", size=(4000, 3000))).status_code == 303
    [row] = rows(shop.app)
    assert (row.width, row.height) == (images.STORED_SIDE, 1500)


REFUSED = {
    "an HTML page named .jpg": (b"<!doctype html><html><script>alert(document.cookie)</script></html>", NOT_A_PICTURE),
    "an SVG named .jpg": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
                          b'<script>alert(1)</script><rect width="10" height="10"/></svg>', NOT_A_PICTURE),
    "a GIF": (picture("GIF"), NOT_A_PICTURE),
    "a BMP": (picture("BMP"), NOT_A_PICTURE),
    "a TIFF": (picture("TIFF"), NOT_A_PICTURE),
    "a PDF": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", NOT_A_PICTURE),
    "random bytes": (bytes(range(256)) * 40, NOT_A_PICTURE),
    "a JPEG cut inside its header": (noisy_jpeg()[:20], NOT_A_PICTURE),
    "a truncated JPEG": (noisy_jpeg()[: len(noisy_jpeg()) // 2], DAMAGED),
    "a PNG with a damaged byte": (damaged_png(), DAMAGED),
    # Built when the test runs (they take a moment): 900 million pixels in about 100 kB.
    "a 30000 x 30000 PNG bomb": (lambda: png_claiming(30_000, 30_000), TOO_MANY_PIXELS),
    # 100 megapixels: past Pillow's warning threshold (an error under pytest), short of its error one.
    "a 10000 x 10000 PNG": (lambda: png_claiming(10_000, 10_000), TOO_MANY_PIXELS),
    "a PNG of 49 megapixels": (lambda: png_claiming(7_000, 7_000), TOO_MANY_PIXELS),
    "a PNG 10001 pixels wide": (lambda: png_claiming(10_001, 2_001), TOO_MANY_PIXELS),
    "a picture 6 times as wide as high": (picture("PNG", size=(600, 100)), TOO_NARROW),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(REFUSED))
def test_a_file_that_is_not_a_safe_picture_is_refused_beside_the_field_and_nothing_is_written(shop, name, lang):
    data, message = REFUSED[name]
    data = data() if callable(data) else data
    response = upload(shop.client, shop.product.id, data, filename="photo.jpg", lang=lang)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    variables = {"megapixels": 40, "side": 10_000} if message == TOO_MANY_PIXELS else {}
    if message == TOO_NARROW:
        variables = {"ratio": images.MAX_ASPECT}
    assert field_error(page, "image") == translated(shop.app, lang, message, **variables)
    assert rows(shop.app) == [] and files(shop.upload_dir) == []
    # The page is the product's edit page, with its saved values.
    assert f'action="/{lang}/admin/products/{shop.product.id}"' in page and 'value="SKU-0001"' in page


def test_no_file_chosen_is_refused_beside_the_field(shop):
    response = shop.client.post(f"/en/admin/products/{shop.product.id}/images", data={})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "image") == translated(shop.app, "en", NO_FILE)
    empty = upload(shop.client, shop.product.id, b"", filename="")
    assert empty.status_code == 422 and rows(shop.app) == []


@pytest.mark.parametrize("lang, title", [("en", "Too large"), ("zh", "内容过大")])
def test_an_oversized_file_is_a_translated_413_and_nothing_is_written(shop, lang, title):
    oversized = noisy_jpeg() + b"\0" * (images.MAX_UPLOAD_BYTES + 1)
    response = upload(shop.client, shop.product.id, oversized, lang=lang)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert title in page and translated(shop.app, lang, "Too large") in page
    assert rows(shop.app) == [] and files(shop.upload_dir) == []


def test_a_file_just_over_the_limit_inside_a_request_under_it_is_a_413_too(shop):
    # The request limit leaves room for the form around the file; the file itself is measured too.
    just_over = noisy_jpeg() + b"\0" * (images.MAX_UPLOAD_BYTES + 10 - len(noisy_jpeg()))
    assert len(just_over) > images.MAX_UPLOAD_BYTES
    assert upload(shop.client, shop.product.id, just_over).status_code == 413
    assert rows(shop.app) == [] and files(shop.upload_dir) == []


def test_with_csrf_on_the_size_limit_holds_and_the_token_is_checked(make_app, make_user, make_product):
    app = make_app(WTF_CSRF_ENABLED=True)
    make_user(role="staff", email="staff@example.com")
    product = make_product()
    client = app.test_client()
    token = csrf_token_of(client.get("/en/account/login").get_data(as_text=True))
    client.post("/en/account/login", data={"email": "staff@example.com", "password": "correct horse battery staple",
                                           "csrf_token": token})
    token = csrf_token_of(client.get(f"/en/admin/products/{product.id}").get_data(as_text=True))
    upload_dir = Path(app.config["UPLOAD_DIR"])

    oversized = upload(client, product.id, b"\0" * (7 * 1024 * 1024), csrf_token=token)
    assert oversized.status_code == 413
    assert upload(client, product.id, picture("PNG")).status_code == 400
    assert upload(client, product.id, picture("PNG"), csrf_token="forged").status_code == 400
    assert rows(app) == [] and files(upload_dir) == []
    assert upload(client, product.id, picture("PNG"), csrf_token=token).status_code == 303
    assert len(rows(app)) == 1


def test_a_path_traversal_file_name_is_ignored_and_the_picture_stored_under_a_generated_name(shop, tmp_path):
    before = {p for p in tmp_path.parent.rglob("*")}
    response = upload(shop.client, shop.product.id, noisy_jpeg(), filename="../../evil.jpg")
    assert response.status_code == 303
    [row] = rows(shop.app)
    assert images.STORED_NAME.fullmatch(row.filename) and "evil" not in row.filename
    created = {p for p in tmp_path.parent.rglob("*")} - before
    assert created == {shop.upload_dir, shop.upload_dir / row.filename, shop.upload_dir / row.thumb} - before
    assert not any("evil" in p.name for p in tmp_path.parent.rglob("*"))


def test_exif_gps_icc_xmp_and_text_metadata_are_dropped(shop):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    text = PngInfo()
    text.add_text("Comment", "shot at home, 31.2304N 121.4737E")
    text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret-xmp-packet</x:xmpmeta>")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = picture("PNG", exif=exif, pnginfo=text, icc_profile=icc)
    with Image.open(io.BytesIO(data)) as original:  # the upload really carries it all
        assert original.getexif().get_ifd(0x8825)[1] == "N" and original.getexif()[0x010F] == "SecretCam"
        assert "icc_profile" in original.info and "Comment" in original.info

    assert upload(shop.client, shop.product.id, data, filename="gps.png").status_code == 303
    [row] = rows(shop.app)
    for name in (row.filename, row.thumb):
        raw = (shop.upload_dir / name).read_bytes()
        for secret in (b"SecretCam", b"secret-xmp", b"31.2304", b"EXIF", b"ICCP", b"XMP ", b"Exif"):
            assert secret not in raw
        with Image.open(shop.upload_dir / name) as stored:
            assert len(stored.getexif()) == 0
            assert not {"exif", "icc_profile", "xmp"} & set(stored.info)


def test_the_exif_orientation_is_applied_before_it_is_dropped(shop):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    assert upload(shop.client, shop.product.id, picture("JPEG", size=(600, 300), exif=exif)).status_code == 303
    [row] = rows(shop.app)
    assert (row.width, row.height) == (300, 600)
    with Image.open(shop.upload_dir / row.filename) as stored:
        assert stored.size == (300, 600) and len(stored.getexif()) == 0


def test_pictures_are_reordered_and_deleted_with_their_files(shop):
    for color in ("red", "green", "blue"):
        assert upload(shop.client, shop.product.id, picture("PNG", color=color)).status_code == 303
    first, second, third = rows(shop.app)
    base = f"/en/admin/products/{shop.product.id}/images"

    moved = shop.client.post(f"{base}/{third.id}/move", data={"direction": "up"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith("#pictures")
    assert [r.id for r in rows(shop.app)] == [first.id, third.id, second.id]
    assert shop.client.post(f"{base}/{first.id}/move", data={"direction": "up"}).status_code == 303
    assert shop.client.post(f"{base}/{second.id}/move", data={"direction": "down"}).status_code == 303
    assert [r.id for r in rows(shop.app)] == [first.id, third.id, second.id]  # already first / last
    assert shop.client.post(f"{base}/{first.id}/move", data={"direction": "down"}).status_code == 303
    assert [r.id for r in rows(shop.app)] == [third.id, first.id, second.id]
    shop_page = shop.client.get("/en/products/lens").get_data(as_text=True)
    assert shop_page.index(third.filename) < shop_page.index(first.filename) < shop_page.index(second.filename)

    deleted = shop.client.post(f"{base}/{first.id}/delete")
    assert deleted.status_code == 303
    page = shop.client.get(deleted.headers["Location"]).get_data(as_text=True)
    assert translated(shop.app, "en", "The picture is deleted.") in page and first.thumb not in page
    assert [(r.id, r.position) for r in rows(shop.app)] == [(third.id, 0), (second.id, 1)]
    assert files(shop.upload_dir) == sorted([third.filename, third.thumb, second.filename, second.thumb])
    assert shop.client.get(f"/media/{first.filename}").status_code == 404


@pytest.mark.parametrize("direction", ["", "left", "UP", "up\x00", "x" * 500])
def test_a_bad_direction_is_a_400_and_changes_nothing(shop, direction):
    upload(shop.client, shop.product.id, picture("PNG", color="red"))
    upload(shop.client, shop.product.id, picture("PNG", color="blue"))
    before = rows(shop.app)
    response = shop.client.post(f"/en/admin/products/{shop.product.id}/images/{before[1].id}/move",
                                data={"direction": direction})
    assert response.status_code == 400 and rows(shop.app) == before


def test_pictures_of_another_or_a_missing_product_are_404(shop, make_product):
    other = make_product()
    upload(shop.client, other.id, picture("PNG"))
    [theirs] = rows(shop.app)
    base = f"/en/admin/products/{shop.product.id}/images"
    assert shop.client.post(f"{base}/{theirs.id}/move", data={"direction": "up"}).status_code == 404
    assert shop.client.post(f"{base}/{theirs.id}/delete").status_code == 404
    assert shop.client.post(f"{base}/999999/delete").status_code == 404
    assert upload(shop.client, 999999, picture("PNG")).status_code == 404
    assert rows(shop.app) == [theirs] and len(files(shop.upload_dir)) == 2


@pytest.mark.parametrize("name", ["notes.txt", "evil.html", "0123456789abcdef0123456789ABCDEF.webp",
                                  "0123456789abcdef0123456789abcdef.webp.html", "0123456789abcdef0123456789abcdef-800.webp",
                                  "..%2Fshop.db", ".htaccess"])
def test_media_serves_only_generated_names(shop, name):
    shop.upload_dir.mkdir(parents=True, exist_ok=True)
    (shop.upload_dir / name.replace("%2F", "_")).write_text("<script>alert(1)</script>")
    response = shop.client.get(f"/media/{name}")
    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_removing_files_touches_only_generated_names(tmp_path):
    generated = "0123456789abcdef0123456789abcdef.webp"
    for name in (generated, "shop.db", "notes.txt"):
        (tmp_path / name).write_text("x")
    images.remove_files([generated, "shop.db", "../notes.txt", "notes.txt", "/etc/hostname"], str(tmp_path))
    assert files(tmp_path) == ["notes.txt", "shop.db"]
