"""`flask quiz ...`: check exit codes, GIFT import and export, the committed GIFT files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.quiz.bank.loader import load_bank

ROOT = Path(__file__).resolve().parents[2]
BANKS = sorted(p.stem for p in (ROOT / "quizzes" / "banks").glob("*.yaml"))


@pytest.fixture
def quiz_copy(app, tmp_path) -> Path:
    folder = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", folder)
    app.config["QUIZ_DIR"] = str(folder)
    return folder


def test_quiz_check_exits_0_on_the_real_banks(runner):
    result = runner.invoke(args=["quiz", "check"])
    assert result.exit_code == 0, result.output
    assert "OK: 130 questions in 13 banks; the test draws 30" in result.output


def test_quiz_check_exits_1_and_prints_file_and_line(runner, quiz_copy):
    bank = quiz_copy / "banks" / "roller.yaml"
    bank.write_text(
        bank.read_text(encoding="utf-8").replace(
            "lesson: p1-roller-och-ansvar", "lesson: finns-inte", 1
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["quiz", "check"])
    assert result.exit_code == 1
    assert f"{bank}:7: lesson 'finns-inte' does not exist" in result.output


@pytest.mark.parametrize("bank", BANKS)
def test_committed_gift_file_equals_a_fresh_export(runner, tmp_path, bank):
    result = runner.invoke(args=["quiz", "export-gift", bank, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    fresh = (tmp_path / f"{bank}.gift").read_text(encoding="utf-8")
    assert fresh == (ROOT / "quizzes" / "gift" / f"{bank}.gift").read_text(encoding="utf-8")


def test_export_gift_of_an_unknown_bank_fails(runner):
    assert runner.invoke(args=["quiz", "export-gift", "finns-inte"]).exit_code == 2


@pytest.mark.parametrize("bank", ["roller", "bestallning-och-utlamning", "pin-och-puk"])
def test_gift_export_then_import_gives_back_the_same_bank(runner, quiz_copy, bank):
    original, _ = load_bank(quiz_copy / "banks" / f"{bank}.yaml")
    gift = quiz_copy / "gift" / f"{bank}.gift"
    refused = runner.invoke(args=["quiz", "import-gift", str(gift), "--bank", bank])
    assert refused.exit_code == 2 and "--force" in refused.output
    result = runner.invoke(args=["quiz", "import-gift", str(gift), "--bank", bank, "--force"])
    assert result.exit_code == 0, result.output
    written = (quiz_copy / "banks" / f"{bank}.yaml").read_text(encoding="utf-8")
    assert "\n  - id: " in written and "    stem: |\n" in written  # readable block scalars
    again, problems = load_bank(quiz_copy / "banks" / f"{bank}.yaml")
    assert problems == [] and again.questions == original.questions
    assert runner.invoke(args=["quiz", "check"]).exit_code == 0


def test_import_gift_reports_bad_and_unsupported_questions_by_line(runner, quiz_copy, tmp_path):
    gift = tmp_path / "blandat.gift"
    gift.write_text(
        "::q-ok::Vem ansvarar?{=Ansvarig utgivare ~Inera}\n\n"
        "::uppsats::Beskriv rutinen.{}\n\n"
        "::trasig::Vilken? {=a ~b\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["quiz", "import-gift", str(gift)])
    assert result.exit_code == 1
    assert f"{gift}:3: unsupported question type" in result.output
    assert f"{gift}:5: unclosed brace" in result.output
    assert f"{gift}:1: question 'q-ok' has no lesson" in result.output
    written, problems = load_bank(quiz_copy / "banks" / "blandat.yaml")
    assert written is None or [q.id for q in written.questions] == []
    assert any("missing 'lesson'" in p.message for p in problems)


def test_import_gift_of_a_file_that_is_not_utf8_says_so_on_one_line(runner, quiz_copy, tmp_path):
    gift = tmp_path / "latin1.gift"
    text = b"::q::Vem ansvarar?\n{=Ansvarig utgivare ~Inera}\n"
    gift.write_bytes(text + b"\xe5\x00\xff")
    result = runner.invoke(args=["quiz", "import-gift", str(gift), "--bank", "x"])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line == f"Error: {gift}:3: file is not UTF-8 text (invalid byte at offset {len(text)})"
    assert not (quiz_copy / "banks" / "x.yaml").exists()


def test_quiz_check_reports_a_bank_that_is_not_utf8_by_file_and_line(runner, quiz_copy):
    bank = quiz_copy / "banks" / "roller.yaml"
    bank.write_bytes(bank.read_bytes().replace(b"Ansvarig", "Ansvarig".encode("utf-16"), 1))
    result = runner.invoke(args=["quiz", "check"])
    assert result.exit_code == 1
    assert f"{bank}:" in result.output and "file is not UTF-8 text" in result.output
    assert "Traceback" not in result.output


def test_export_gift_of_an_unknown_bank_says_error_on_one_line(runner):
    result = runner.invoke(args=["quiz", "export-gift", "finns-inte"])
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: no bank 'finns-inte' in ")


def test_export_gift_to_a_folder_that_cannot_be_made_says_why_on_one_line(runner, tmp_path):
    a_file = tmp_path / "file.json"
    a_file.write_text("{}", encoding="utf-8")
    for out, reason in ((a_file / "sub", "Not a directory"), (Path("/proc/nope"), None)):
        result = runner.invoke(args=["quiz", "export-gift", "tillit", "--out", str(out)])
        assert result.exit_code == 1, result.output
        [line] = result.output.strip().splitlines()
        assert line.startswith(f"Error: cannot write {out / 'tillit.gift'}: "), line
        assert reason is None or reason in line
        assert "Traceback" not in result.output


def test_import_gift_refusing_to_overwrite_says_error(runner, quiz_copy):
    gift = quiz_copy / "gift" / "roller.gift"
    result = runner.invoke(args=["quiz", "import-gift", str(gift), "--bank", "roller"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error: ") and "--force" in result.output
