"""The CSV export opens in Excel with å, ä, ö and cannot smuggle in formulas."""

from __future__ import annotations

import csv
import io

from lms.course import service
from tests.conftest import login


def _export(client) -> tuple[bytes, list[list[str]]]:
    response = client.get("/team/progress.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_csv_has_a_bom_a_header_and_the_seeded_trainees_values(
    app, client, make_user, complete_part
):
    sara = make_user("sara@example.se", "trainee", name="Sara Öberg")
    sara.organisation = "Vårdcentralen Åre"
    complete_part(sara, "del-1")
    service.answer_checkpoint(sara, "cp-a", 0)  # a later wrong answer still counts as latest
    make_user("greta@example.se", "approver")
    login(client, "greta@example.se")
    raw, rows = _export(client)
    assert raw.startswith("\ufeff".encode())
    header, *data = rows
    assert header[:7] == [
        "Namn",
        "E-post",
        "Organisation",
        "Klara lektioner",
        "Lektioner i kursen",
        "Minuter",
        "Senaste aktivitet",
    ]
    assert header[7:] == [
        "Del 1: Grunder: kontrollfrågor rätt",
        "Del 1: Grunder: kontrollfrågor besvarade",
        "Del 1: Grunder: klar",
        "Del 2: Arbetet: kontrollfrågor rätt",
        "Del 2: Arbetet: kontrollfrågor besvarade",
        "Del 2: Arbetet: klar",
        "Kursen klar",
    ]
    row = dict(zip(header, data[0], strict=True))
    assert row["Namn"] == "Sara Öberg"
    assert row["Organisation"] == "Vårdcentralen Åre"
    assert (row["Klara lektioner"], row["Lektioner i kursen"]) == ("2", "3")
    assert row["Del 1: Grunder: kontrollfrågor rätt"] == "1"
    assert row["Del 1: Grunder: kontrollfrågor besvarade"] == "2"
    assert row["Del 1: Grunder: klar"] == "ja"
    assert row["Del 2: Arbetet: klar"] == "nej" and row["Kursen klar"] == "nej"
    assert len(row["Senaste aktivitet"]) == len("2026-11-29 10:15")


def test_cells_that_look_like_formulas_get_an_apostrophe(app, client, make_user):
    evil = make_user("evil@example.se", "trainee", name='=HYPERLINK("http://x","klick")')
    evil.organisation = "+46 Region"
    make_user("plain@example.se", "trainee", name="-Minus")
    make_user("at@example.se", "trainee", name="@SUM(A1)")
    make_user("greta@example.se", "approver")
    login(client, "greta@example.se")
    _raw, rows = _export(client)
    names = sorted(row[0] for row in rows[1:])
    assert names == ["'-Minus", '\'=HYPERLINK("http://x","klick")', "'@SUM(A1)"]
    assert [row[2] for row in rows[1:] if row[1] == "evil@example.se"] == ["'+46 Region"]
