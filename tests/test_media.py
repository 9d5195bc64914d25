"""What a document's images may be: only pictures, only from its own folder, only under media/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docpub.cli import main
from docpub.media import published_name, sniff
from sitekit import MINIMAL, make_site, picture, png_claiming

PNG = picture("PNG")
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
       b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
JPEG = picture("JPEG")
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><script>alert(1)</script>"


def site_with(tmp_path: Path, body: str, files: dict[str, bytes], *, config: str | None = None) -> Path:
    site = make_site(tmp_path / "s", {"x": MINIMAL + "\n" + body + "\n"}, config=config)
    for name, data in files.items():
        path = site / "content" / "x" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return site


def build(site: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["build", str(site), "--out", str(out), "--no-pdf"])
    return code, capsys.readouterr().err


def published(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_every_raster_type_is_published_under_media(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"a.png": PNG, "b.gif": GIF, "c.jpg": JPEG, "d.jpeg": JPEG, "e.webp": WEBP, "sub/f.PNG": PNG}
    body = "\n\n".join(f"![{n}]({n})" for n in files) + "\n\n![again](./a.png)"
    site = site_with(tmp_path, body, files)
    out = tmp_path / "out"
    assert build(site, out, capsys) == (0, "")
    for name, data in files.items():
        assert (out / "zh-Hant" / "x" / "media" / name).read_bytes() == data
    page = (out / "zh-Hans" / "x" / "index.html").read_text(encoding="utf-8")
    assert 'src="media/a.png"' in page and 'src="media/sub/f.PNG"' in page
    assert not [p for p in published(out) if p.endswith((".png", ".gif", ".jpg", ".jpeg", ".webp", ".PNG"))
                and "/media/" not in p]


def test_an_image_named_like_a_page_cannot_replace_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An image called index.html would have replaced the document page (stored XSS)."""
    site = site_with(tmp_path, "![x](index.html)", {"index.html": HTML})
    code, err = build(site, tmp_path / "out", capsys)
    assert code == 1 and "x/zh-Hans.md:8: error: image 'index.html' only PNG, JPEG" in err
    # a real picture given a page's name is published where no page lives
    site = site_with(tmp_path / "t", "![x](x.pdf.png)\n\n![y](citations.png)", {"x.pdf.png": PNG, "citations.png": PNG})
    out = tmp_path / "out2"
    assert build(site, out, capsys) == (0, "")
    assert (out / "zh-Hans" / "x" / "media" / "citations.png").read_bytes() == PNG
    assert (out / "zh-Hans" / "x" / "citations.html").read_bytes().startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize("name, data, reason", [
    ("a.svg", SVG, "SVG and other documents are refused"),
    ("a.html", HTML, "only PNG, JPEG"),
    ("a.png", SVG, "is not a PNG picture"),
    ("a.png", HTML, "is not a PNG picture"),
    ("a.gif", PNG, "is a PNG picture named like a GIF one"),
    ("a.jpg", b"", "is not a JPEG picture"),
])
def test_only_pictures_by_content_and_name(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           name: str, data: bytes, reason: str) -> None:
    site = site_with(tmp_path, f"![x]({name})", {name: data})
    out = tmp_path / "out"
    code, err = build(site, out, capsys)
    assert code == 1 and err.count("\n") == 1
    assert f"x/zh-Hans.md:8: error: image '{name}' " in err and reason in err
    assert not out.exists()


def test_a_link_out_of_the_documents_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)  # even a real picture: it is not the document's
    site = site_with(tmp_path, "![x](a.png)\n\n![y](b.png)", {})
    os.symlink(secret, site / "content" / "x" / "a.png")
    os.symlink(site / "docpub.toml", site / "content" / "x" / "b.png")  # in the site, not in the folder
    code, err = build(site, tmp_path / "out", capsys)
    assert code == 1
    assert "x/zh-Hans.md:8: error: image 'a.png' leads outside the document's folder" in err
    assert "x/zh-Hans.md:10: error: image 'b.png' leads outside the document's folder" in err
    assert "secret" not in err.replace(str(tmp_path), "")  # nothing about the target is told


def test_a_link_inside_the_folder_is_fine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = site_with(tmp_path, "![x](a.png)", {"real/b.png": PNG})
    os.symlink("real/b.png", site / "content" / "x" / "a.png")
    out = tmp_path / "out"
    assert build(site, out, capsys) == (0, "")
    assert (out / "zh-Hans" / "x" / "media" / "a.png").read_bytes() == PNG


@pytest.mark.parametrize("make", ["fifo", "folder", "device"])
def test_only_regular_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str) -> None:
    site = site_with(tmp_path, "![x](a.png)", {})
    path = site / "content" / "x" / "a.png"
    if make == "fifo":
        os.mkfifo(path)  # reading it would wait for a writer for ever
    elif make == "folder":
        path.mkdir()
    else:
        os.symlink("/dev/zero", path)  # outside the folder, and endless
    code, err = build(site, tmp_path / "out", capsys)
    assert code == 1 and "x/zh-Hans.md:8: error: image 'a.png' " in err


def test_size_limit_with_its_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = PNG + b"\0" * 2048
    config = (Path(__file__).resolve().parents[1] / "docpub.toml").read_text(encoding="utf-8").replace(
        'source_lang = "zh-Hans"', 'source_lang = "zh-Hans"\nmax_image_kib = 1')
    site = site_with(tmp_path, "![x](a.png)", {"a.png": big}, config=config)
    code, err = build(site, tmp_path / "out", capsys)
    assert code == 1 and "over the limit of 1 KiB (site.max_image_kib in docpub.toml)" in err
    site = site_with(tmp_path / "t", "![x](a.png)", {"a.png": big})  # the default is far larger
    assert build(site, tmp_path / "out", capsys) == (0, "")


@pytest.mark.parametrize(("data", "reason"), [
    (png_claiming(30_000, 30_000), "is over 178 million pixels: over the limit of 50 million"),
    (png_claiming(9_000, 7_000), "is 9000 x 7000 pixels: over the limit of 50 million"),
    (picture("PNG", (100_000, 1)), ""),  # (a long strip is few pixels)
    (picture("PNG", (40, 30))[:60], "cannot be read as a picture (it is damaged or cut short)"),
    (picture("GIF", (40, 30))[:30], "cannot be read as a picture"),
    (JPEG[:20], "cannot be read as a picture"),
])
def test_pictures_of_too_many_pixels_or_damaged_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           data: bytes, reason: str) -> None:
    """A small file can claim gigabytes of pixels (a reader's browser and the PDF renderer would
    decode them), and a damaged picture would be left out of the PDF without a word: each is an
    error at the line that shows it, found from the picture's header (nothing is decoded)."""
    name = "a.gif" if data[:3] == b"GIF" else "a.jpg" if data[:2] == b"\xff\xd8" else "a.png"
    site = site_with(tmp_path, f"![x]({name})", {name: data})
    code, err = build(site, tmp_path / "out", capsys)
    if not reason:
        assert (code, err) == (0, "")
        return
    assert code == 1 and f"zh-Hans.md:8: error: image '{name}' {reason}" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def _png_with_sound_chunks_and_damaged_data() -> bytes:
    """A PNG whose picture data is damaged but whose chunks and their checksums are sound: its
    header and chunk structure pass every check short of decoding it."""
    import struct
    import zlib

    data = picture("PNG", (64, 48))
    start = data.index(b"IDAT") - 4
    length = struct.unpack(">I", data[start:start + 4])[0]
    body = bytearray(data[start + 8:start + 8 + length])
    body[len(body) // 2:] = bytes(len(body) - len(body) // 2)  # its second half zeroed
    chunk = struct.pack(">I", len(body)) + b"IDAT" + bytes(body) + struct.pack(">I", zlib.crc32(b"IDAT" + body))
    return data[:start] + chunk + data[start + 12 + length:]


def _cut(data: bytes, share: float) -> bytes:
    return data[:int(len(data) * share)]


CUT_SHORT = [pytest.param(kind, name, _cut(whole, share), id=f"{kind}-{share}")
             for kind, name, whole in [("PNG", "a.png", picture("PNG", (64, 48))),
                                       ("JPEG", "a.jpg", picture("JPEG", (64, 48))),
                                       ("GIF", "a.gif", picture("GIF", (64, 48))),
                                       ("WebP", "a.webp", picture("WEBP", (64, 48)))]
             for share in (0.5, 0.9)]


@pytest.mark.parametrize(("kind", "name", "data"), [
    *CUT_SHORT, pytest.param("PNG", "a.png", _png_with_sound_chunks_and_damaged_data(), id="PNG-damaged")])
def test_pictures_cut_short_or_with_damaged_data_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            kind: str, name: str, data: bytes) -> None:
    """A picture whose header is sound but whose data is cut short (a copy or download that
    stopped) or damaged would be published as it is: part of it in a browser, and embedded in
    the PDF as garbage. It is found by decoding it, in build and in check, and nothing is
    published."""
    site = site_with(tmp_path, f"段落。\n\n![x]({name})", {name: data})
    assert sniff(data[:16]) == kind
    code, err = build(site, tmp_path / "out", capsys)
    line = f"zh-Hans.md:10: error: image '{name}' cannot be read as a picture (it is damaged or cut short)"
    assert code == 1 and line in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert main(["check", str(site)]) == 1
    assert line in capsys.readouterr().out


def test_a_picture_is_decoded_once_and_a_lenient_pdf_renderer_does_not_let_damage_pass(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each picture is decoded by the first build that shows it; the next builds know it decoded
    (the build cache keeps a mark of its bytes). The PDF renderer tells Pillow to accept pictures
    cut short once it is imported: the check does not, and leaves Pillow as it found it."""
    import weasyprint  # noqa: F401  (imported: Pillow now lets pictures cut short pass)
    from PIL import ImageFile

    from docpub import media

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    decoded: list[int] = []
    real = media.decode_problem
    monkeypatch.setattr(media, "decode_problem", lambda data: decoded.append(len(data)) or real(data))
    good, bad = picture("PNG", (64, 48)), _cut(picture("JPEG", (64, 48)), 0.6)
    site = site_with(tmp_path, "![a](a.png)\n\n![b](b.png)", {"a.png": good, "b.png": good})
    out = tmp_path / "out"
    monkeypatch.setattr(media, "_DECODED", set())  # (what this process decoded: as a new one)
    assert build(site, out, capsys) == (0, "")
    assert decoded == [len(good)]  # (the same bytes twice: decoded once)
    monkeypatch.setattr(media, "_DECODED", set())  # the next build: another process, the cache's mark
    assert build(site, out, capsys) == (0, "") and decoded == [len(good)]
    monkeypatch.setattr(media, "_DECODED", set())
    (site / "content" / "x" / "b.jpg").write_bytes(bad)
    (site / "content" / "x" / "zh-Hans.md").write_text(
        MINIMAL + "\n![a](a.png)\n\n![b](b.jpg)\n", encoding="utf-8")
    code, err = build(site, out, capsys)
    assert code == 1 and "image 'b.jpg' cannot be read as a picture" in err
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    assert (out / "zh-Hans" / "x" / "media" / "b.png").read_bytes() == good  # the previous output stands


def test_a_picture_changed_between_its_check_and_its_publishing_is_not_published(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The picture published is the one checked (decoded) and named in its output's key: one
    whose bytes changed meanwhile (still a sound picture, or cut short) is an error, and the
    previous output stands."""
    from docpub import execute

    site = site_with(tmp_path, "![a](a.png)", {"a.png": PNG})
    out = tmp_path / "out"
    assert build(site, out, capsys) == (0, "")
    image = site / "content" / "x" / "a.png"
    other = picture("PNG", (3, 2))
    image.write_bytes(other)
    real = execute.read_image
    for meanwhile in (PNG, _cut(picture("JPEG", (64, 48)), 0.6)):
        monkeypatch.setattr(execute, "read_image", lambda f, max_bytes, data=meanwhile: real(f, max_bytes=max_bytes)
                            and data)
        code, err = build(site, out, capsys)
        assert code == 1 and err == f"docpub: {image.resolve()}: error: image changed while the site was being " \
            "built; build again\n"
        assert (out / "zh-Hans" / "x" / "media" / "a.png").read_bytes() == PNG
    monkeypatch.setattr(execute, "read_image", real)
    assert build(site, out, capsys) == (0, "")
    assert (out / "zh-Hans" / "x" / "media" / "a.png").read_bytes() == other


def test_a_picture_changed_after_its_check_is_checked_again_as_it_is_read(tmp_path: Path) -> None:
    from docpub.errors import DocpubError
    from docpub.media import MediaFile, read_image

    image = tmp_path / "map.png"
    image.write_bytes(PNG)
    checked = MediaFile("map.png", image)
    assert read_image(checked, max_bytes=1 << 20) == PNG
    image.write_bytes(png_claiming(30_000, 30_000))
    with pytest.raises(DocpubError, match="over 178 million pixels"):
        read_image(checked, max_bytes=1 << 20)


def test_names_differing_only_in_case_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = site_with(tmp_path, "![x](a.png)\n\n![y](A.png)", {"a.png": PNG, "A.png": PNG})
    code, err = build(site, tmp_path / "out", capsys)
    assert code == 1 and "image 'A.png' differs from 'media/a.png' only in upper/lower case" in err


def test_content_reached_through_links_is_built_only_where_they_stay_in_the_site(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "s")
    drafts = site / "drafts"
    (drafts / "kept").mkdir(parents=True)
    (drafts / "kept" / "zh-Hans.md").write_text(MINIMAL, encoding="utf-8")
    (drafts / "one.md").write_text(MINIMAL, encoding="utf-8")
    os.symlink(drafts / "kept", site / "content" / "kept")  # a document's folder, elsewhere in the site
    os.symlink(drafts / "one.md", site / "content" / "one.md")  # a single file, elsewhere in the site
    code, err = build(site, tmp_path / "out", capsys)
    assert code == 0, err
    assert (tmp_path / "out" / "zh-Hans" / "kept" / "index.html").is_file()
    assert (tmp_path / "out" / "zh-Hans" / "one" / "index.html").is_file()
    # The content folder itself may be a link, but not to a place outside the site.
    outside = tmp_path / "elsewhere"
    os.rename(site / "content", outside)
    os.symlink(outside, site / "content")
    code, err = build(site, tmp_path / "out", capsys)
    assert code == 1 and "outside the site" in err
    assert (tmp_path / "out" / "zh-Hans" / "kept" / "index.html").is_file()  # the previous output stays


def test_a_document_folder_linked_from_outside_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "elsewhere" / "leak"
    outside.mkdir(parents=True)
    (outside / "zh-Hans.md").write_text(MINIMAL, encoding="utf-8")
    site = make_site(tmp_path / "s")
    os.symlink(outside, site / "content" / "leak")
    code, err = build(site, tmp_path / "out", capsys)
    assert code == 1 and "leak/zh-Hans.md: error: leads to" in err and "outside the site" in err
    (site / "content" / "leak").unlink()
    os.symlink(outside / "zh-Hans.md", site / "content" / "single.md")  # a single-file document too
    code, err = build(site, tmp_path / "out", capsys)
    assert code == 1 and "single.md: error: leads to" in err


def test_sniffing_and_names() -> None:
    assert [sniff(x[:16]) for x in (PNG, GIF, JPEG, WEBP, SVG, HTML, b"")] == [
        "PNG", "GIF", "JPEG", "WebP", "", "", ""]
    assert published_name("img/a%20b.png") == "media/img/a b.png"
    assert published_name("./a.png") == "media/a.png"


@pytest.mark.parametrize("swap", ["the file", "a folder on its way"])
def test_an_image_changed_into_a_link_after_its_check_is_not_read(tmp_path: Path, swap: str) -> None:
    """Between the check that an image is a file in the document's folder and the read that
    publishes it, a link put in its place (or in a folder's) must not lead the read outside."""
    from docpub.errors import DocpubError
    from docpub.media import MediaFile, read_image

    outside = tmp_path / "outside" / "figs"
    outside.mkdir(parents=True)
    (outside / "map.png").write_bytes(PNG + b"secret")
    folder = tmp_path / "doc" / "figs"
    folder.mkdir(parents=True)
    image = folder / "map.png"
    image.write_bytes(PNG)
    checked = MediaFile("figs/map.png", image.resolve())
    assert read_image(checked, max_bytes=1 << 20) == PNG
    if swap == "the file":
        image.unlink()
        image.symlink_to(outside / "map.png")
    else:
        folder.rename(tmp_path / "doc" / "old")
        folder.symlink_to(outside)
    with pytest.raises(DocpubError) as raised:
        read_image(checked, max_bytes=1 << 20)
    assert "since it was checked" in str(raised.value) or "was a file when it was checked" in str(raised.value)


def test_check_decodes_each_picture_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """``docpub check`` reads every document, then renders the site (as a build without the
    cache would): each picture is decoded by the first, not again by the second."""
    from docpub import media

    decoded: list[int] = []
    real = media.decode_problem
    monkeypatch.setattr(media, "decode_problem", lambda data: decoded.append(len(data)) or real(data))
    monkeypatch.setattr(media, "_DECODED", set())
    pictures = {f"p{n}.png": picture("PNG", (40 + n, 30)) for n in range(3)}
    site = site_with(tmp_path, "\n\n".join(f"![{name}]({name})" for name in pictures), pictures)
    assert main(["check", str(site)]) == 0
    capsys.readouterr()
    assert sorted(decoded) == sorted(len(data) for data in pictures.values())

