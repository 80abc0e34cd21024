"""Upload validation: decoded with Pillow (never trusting the name or the declared type), bombs
and non-images refused with a clear message and nothing stored, metadata stripped, EXIF
orientation applied; JPEG, PNG, WebP and HEIC accepted. Unit (``clean_photo``) and over HTTP."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from smp_academy.core.storage import LocalStorage
from smp_academy.extensions import db
from smp_academy.practice.models import Photo, Submission
from smp_academy.practice.uploads import (
    THUMBNAIL_PX,
    UploadRejected,
    clean_photo,
    safe_filename,
)
from tests.conftest import csrf_token
from tests.grading import helpers

LIMITS = {"max_bytes": 25 * 1024 * 1024, "max_pixels": 40_000_000}
RANDOM_KEY = re.compile(r"^photos/[A-Za-z0-9_-]{32}\.jpg$")
UNREADABLE = "is not a readable JPEG, PNG, WebP or HEIC photo"
NOT_ACCEPTED = "is not a JPEG, PNG, WebP or HEIC photo (GIF files are not accepted)"
BOMB = "has too many pixels to be a photo (more than 40000000 pixels)"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="48">'
    b'<rect width="64" height="48" fill="black"/><script>alert(1)</script></svg>'
)


def _png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid all-black 1-bit PNG of ``width``×``height``: a few tens of KB on disk, 400 MP
    once decoded. Compressed row by row so building it costs little memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    packer = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def _gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Apple"  # Make
    exif[0x0110] = "iPhone 15 Pro"  # Model
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPS IFD
    return exif.tobytes()


def _rotated_jpeg() -> bytes:
    """80×40 as stored, left half red and right half blue, with orientation 6 ("rotate 90°
    clockwise to view"): upright it is 40×80 with red on top."""
    image = Image.new("RGB", (80, 40), "blue")
    image.paste((255, 0, 0), (0, 0, 40, 40))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def _heic() -> bytes:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    try:
        Image.new("RGB", (64, 48), (150, 110, 90)).save(out, format="HEIF")
    except Exception as error:  # built without an HEVC encoder
        pytest.skip(f"pillow-heif cannot encode HEIC here: {error}")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _png_bomb()


@pytest.fixture(scope="module")
def gps_jpeg() -> bytes:
    data = helpers.jpeg((64, 48), exif=_gps_exif())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the fixture carries GPS
    return data


def _refused_cases(bomb: bytes) -> dict[str, tuple[str, bytes, str]]:
    """name → (file name, bytes, expected message)."""
    return {
        "text renamed .jpg": (
            "holiday.jpg",
            b"Dear diary, this is not a photo.\n" * 20,
            UNREADABLE,
        ),
        "truncated JPEG": ("cut.jpg", helpers.jpeg((400, 300))[:700], UNREADABLE),
        "SVG": ("drawing.svg", SVG, UNREADABLE),
        "GIF": ("anim.gif", helpers.image_bytes("GIF", mode="P"), NOT_ACCEPTED),
        "PNG bomb": ("bomb.png", bomb, BOMB),
        "empty": ("empty.jpg", b"", "is empty"),
    }


REFUSED = ["text renamed .jpg", "truncated JPEG", "SVG", "GIF", "PNG bomb", "empty"]


# --------------------------------------------------------------------------- clean_photo


@pytest.mark.parametrize("case", REFUSED)
def test_clean_photo_refuses(case, bomb):
    _, data, message = _refused_cases(bomb)[case]
    with pytest.raises(UploadRejected, match=re.escape(message)):
        clean_photo(data, **LIMITS)


def test_clean_photo_refuses_an_oversized_file_before_decoding():
    with pytest.raises(UploadRejected, match="is larger than 1 MB"):
        clean_photo(b"\xff\xd8" + bytes(1024 * 1024), max_bytes=1024 * 1024, max_pixels=10**7)


def test_clean_photo_applies_its_own_pixel_limit():
    with pytest.raises(UploadRejected, match=r"too many pixels.*64×48"):
        clean_photo(helpers.jpeg(), max_bytes=10**6, max_pixels=64 * 48 - 1)


def test_clean_photo_strips_gps_and_device_data(gps_jpeg):
    clean = clean_photo(gps_jpeg, **LIMITS)
    for data in (clean.data, clean.thumbnail):
        stored = Image.open(io.BytesIO(data))
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert not {"exif", "icc_profile", "xmp"} & set(stored.info)
        assert b"Exif" not in data and b"iPhone" not in data and b"Apple" not in data


def test_clean_photo_drops_the_jpeg_comment_segment():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(
        out, "JPEG", comment=b"<script>alert(1)</script> client Jane Doe"
    )
    clean = clean_photo(out.getvalue(), **LIMITS)
    for data in (clean.data, clean.thumbnail):
        assert b"\xff\xfe" not in data  # no COM marker at all
        assert b"script" not in data and b"Jane Doe" not in data


def test_clean_photo_stores_an_exif_rotated_photo_upright():
    clean = clean_photo(_rotated_jpeg(), **LIMITS)
    assert (clean.width, clean.height) == (40, 80)
    upright = Image.open(io.BytesIO(clean.data)).convert("RGB")
    assert upright.size == (40, 80) and not upright.getexif()
    top, bottom = upright.getpixel((20, 10)), upright.getpixel((20, 70))
    assert top[0] > 200 and top[2] < 60  # red
    assert bottom[2] > 200 and bottom[0] < 60  # blue


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_clean_photo_accepts_png_webp_and_heic_as_jpeg(fmt):
    data = _heic() if fmt == "HEIF" else helpers.image_bytes(fmt, (640, 480), mode="RGBA")
    clean = clean_photo(data, **LIMITS)
    assert clean.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(clean.data)).format == "JPEG"
    thumb = Image.open(io.BytesIO(clean.thumbnail))
    assert max(thumb.size) <= THUMBNAIL_PX
    expected = (64, 48) if fmt == "HEIF" else (640, 480)
    assert (clean.width, clean.height) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("..\\..\\windows\\win.ini.jpg", "win.ini.jpg"),
        ('<img src=x onerror="alert(1)">.jpg', "_img src_x onerror_alert_1_.jpg"),
        ("photo\x00.jpg\n", "photo_.jpg_"),
        ("Ünïcode фото.jpg", "Ünïcode фото.jpg"),
        ("..", "photo"),
        (None, "photo"),
        ("x" * 300 + ".jpg", "x" * 100),
    ],
)
def test_safe_filename_keeps_only_a_harmless_display_name(name, expected):
    assert safe_filename(name) == expected


# --------------------------------------------------------------------------- over HTTP


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    """A storage root of this test's own, so "nothing stored" means an empty directory."""
    with helpers.swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


@pytest.fixture
def exercise():
    return helpers.exercise(photos=(1, 3))


@pytest.fixture
def upload(client, login, trainee, exercise):
    """``upload([(name, bytes), …])``: post the files as the signed-in trainee."""
    login(trainee)
    token = csrf_token(client, f"/exercises/{exercise.slug}")

    def _upload(files, note=""):
        photos = [(io.BytesIO(data), name) for name, data in files]
        return client.post(
            f"/exercises/{exercise.slug}/submissions",
            data={"csrf_token": token, "note": note, "photos": photos},
            content_type="multipart/form-data",
        )

    return _upload


def _rows() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(Submission.id))),
        db.session.scalar(select(func.count(Photo.id))),
    )


def _assert_nothing_stored(storage: LocalStorage, tmp_path: Path) -> None:
    assert _rows() == (0, 0)
    assert helpers.stored_keys(storage) == set()
    outside = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert outside == []


@pytest.mark.parametrize("case", REFUSED)
def test_upload_refused_with_a_clear_message_and_nothing_stored(
    case, bomb, upload, storage, tmp_path
):
    name, data, message = _refused_cases(bomb)[case]
    response = upload([(name, data)])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"“{name}” {message}" in page
    assert "Nothing was uploaded." in page
    _assert_nothing_stored(storage, tmp_path)


def test_one_bad_photo_refuses_the_whole_submission(upload, storage, tmp_path):
    response = upload([("good.jpg", helpers.jpeg()), ("notes.jpg", b"plain text, not a photo")])
    assert response.status_code == 400
    assert f"“notes.jpg” {UNREADABLE}" in response.get_data(as_text=True)
    _assert_nothing_stored(storage, tmp_path)


def test_an_oversized_file_is_refused(app, monkeypatch, upload, storage, tmp_path):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024 * 1024)  # restored afterwards
    big = helpers.jpeg() + bytes(1024 * 1024)  # a valid JPEG with trailing padding
    response = upload([("huge.jpg", big)])
    assert response.status_code == 400
    assert "“huge.jpg” is larger than 1 MB." in response.get_data(as_text=True)
    _assert_nothing_stored(storage, tmp_path)


@pytest.mark.parametrize("count", [0, 4])
def test_too_few_or_too_many_photos_are_refused(count, upload, storage, tmp_path):
    response = upload([(f"p{i}.jpg", helpers.jpeg()) for i in range(count)])
    assert response.status_code == 400
    assert "Upload 1 to 3 photos for this exercise." in response.get_data(as_text=True)
    _assert_nothing_stored(storage, tmp_path)


def test_a_path_traversal_name_is_stored_under_a_random_key(upload, storage, tmp_path):
    response = upload([("../../etc/passwd.jpg", helpers.jpeg())])
    assert response.status_code == 302
    photo = db.session.scalar(select(Photo))
    assert photo.original_name == "passwd.jpg"
    assert RANDOM_KEY.match(photo.storage_key)
    assert photo.thumb_key.startswith("photos/") and "passwd" not in photo.thumb_key
    assert helpers.stored_keys(storage) == {photo.storage_key, photo.thumb_key}
    files = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert files == {f"files/{photo.storage_key}", f"files/{photo.thumb_key}"}


def test_gps_exif_does_not_survive_the_upload(upload, storage, gps_jpeg):
    assert upload([("IMG_0001.JPG", gps_jpeg)]).status_code == 302
    photo = db.session.scalar(select(Photo))
    for key in (photo.storage_key, photo.thumb_key):
        data = storage.load(key)
        assert not Image.open(io.BytesIO(data)).getexif()
        assert b"Exif" not in data and b"iPhone" not in data
    assert photo.content_type == "image/jpeg"
    assert photo.size == len(storage.load(photo.storage_key))


def test_an_exif_rotated_photo_is_stored_upright(upload, storage):
    assert upload([("sideways.jpg", _rotated_jpeg())]).status_code == 302
    photo = db.session.scalar(select(Photo))
    assert (photo.width, photo.height) == (40, 80)
    assert Image.open(io.BytesIO(storage.load(photo.storage_key))).size == (40, 80)


@pytest.mark.parametrize(
    ("name", "fmt"), [("IMG_4242.HEIC", "HEIF"), ("work.png", "PNG"), ("work.webp", "WEBP")]
)
def test_heic_png_and_webp_are_accepted(name, fmt, upload, storage):
    data = _heic() if fmt == "HEIF" else helpers.image_bytes(fmt, (64, 48), mode="RGBA")
    response = upload([(name, data)])
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    photo = db.session.scalar(select(Photo))
    assert photo.original_name == name and photo.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(storage.load(photo.storage_key))).format == "JPEG"


def test_three_photos_are_kept_in_order(upload, storage):
    colours = ["red", "green", "blue"]
    files = [(f"{c}.jpg", helpers.jpeg(color=c)) for c in colours]
    assert upload(files, note="  First try  ").status_code == 302
    submission = db.session.scalar(select(Submission))
    assert submission.note == "First try"
    assert [p.original_name for p in submission.photos] == [f"{c}.jpg" for c in colours]
    assert len(helpers.stored_keys(storage)) == 6  # each photo and its thumbnail


def test_a_16_bit_greyscale_png_keeps_its_tones():
    """Pillow opens it as I;16; a plain convert("RGB") would clip every tone to white."""
    ramp = Image.new("I;16", (64, 48))
    ramp.putdata([min(65535, 21 * i) for i in range(64 * 48)])
    out = io.BytesIO()
    ramp.save(out, "PNG")
    clean = clean_photo(out.getvalue(), **LIMITS)
    stored = Image.open(io.BytesIO(clean.data)).convert("L")
    assert stored.getpixel((10, 10)) == pytest.approx(21 * 650 / 257, abs=3)
    assert stored.getpixel((63, 47)) == pytest.approx(21 * 3071 / 257, abs=3)


def test_the_exercise_page_shows_only_the_targets_it_has(client, login, trainee):
    exercise = helpers.exercise(target={"density_per_cm2": 12})
    login(trainee)
    page = client.get(f"/exercises/{exercise.slug}").get_data(as_text=True)
    assert "<dt>Density</dt><dd>12 dots/cm²</dd>" in page
    assert "Blowouts" not in page
