"""``flask practice …`` commands: output and exit status as CONTRACT.md sections 3 and 7 fix
them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bench.synthetic import make_photo
from smp_academy.practice.analysis import MARKERS_NOT_FOUND, STICKER_NOT_FOUND
from smp_academy.practice.cli import practice


def test_analyze_prints_one_json_object(photo_set, tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photo_set[0].jpeg)
    result = CliRunner().invoke(practice, ["analyze", str(photo)])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report == json.loads(json.dumps(photo_set[0].result.report))


def test_analyze_exits_2_for_missing_or_non_image_files(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    for path in (tmp_path / "missing.jpg", text, tmp_path):
        result = CliRunner().invoke(practice, ["analyze", str(path)])
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_analyze_exits_3_without_markers(tmp_path):
    jpeg, _ = make_photo(
        31, background="paper", px_per_mm=9.0, cover_marker=2, photo_size=(2048, 1536)
    )
    photo = tmp_path / "covered.jpg"
    photo.write_bytes(jpeg)
    result = CliRunner().invoke(practice, ["analyze", str(photo)])
    assert result.exit_code == 3
    assert result.stderr == MARKERS_NOT_FOUND + "\n"


def test_template_writes_a_pdf(tmp_path):
    out = tmp_path / "template.pdf"
    args = ["template", "--out", str(out), "--exercise", "Gradient", "--name", "Ada"]
    result = CliRunner().invoke(practice, args)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_analyze_scalp_prints_the_section_7_report(scalp_set, tmp_path):
    result = CliRunner().invoke(practice, ["analyze-scalp", str(scalp_set[0].path)])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert list(report) == list(scalp_set[0].result.report)
    assert report == json.loads(json.dumps(scalp_set[0].result.report))
    assert result.stdout.count("\n") == 1


def test_analyze_scalp_exits_3_without_a_sticker(photo_set):
    result = CliRunner().invoke(practice, ["analyze-scalp", str(photo_set[0].path)])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == STICKER_NOT_FOUND + "\n"


def test_analyze_scalp_exits_2_for_missing_or_non_image_files(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    for path in (tmp_path / "missing.jpg", text, tmp_path):
        result = CliRunner().invoke(practice, ["analyze-scalp", str(path)])
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_stickers_writes_a_pdf(tmp_path):
    out = tmp_path / "stickers.pdf"
    result = CliRunner().invoke(practice, ["stickers", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_stickers_into_a_missing_folder_exits_2(tmp_path):
    result = CliRunner().invoke(practice, ["stickers", "--out", str(tmp_path / "no" / "s.pdf")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
