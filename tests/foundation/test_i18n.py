"""Every UI string has a Swedish translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_is_translated_to_swedish():
    with (ROOT / "lms/translations/sv/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    untranslated = [
        m.id
        for m in catalog
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert untranslated == []


def test_catalog_has_every_message_in_the_code():
    """Run `pybabel extract` + `update` (see README) when this fails."""
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "extract",
                "-F",
                "babel.cfg",
                "-k",
                "_l",
                "-k",
                "lazy_gettext",
                "-o",
                str(pot),
                ".",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        with pot.open("rb") as fh:
            wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    with (ROOT / "lms/translations/sv/LC_MESSAGES/messages.po").open("rb") as fh:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert wanted - have == set()
