"""The public verification page: every state, name and role only, typed codes, throttling."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.certification import service
from lms.extensions import db
from tests.certification.conftest import T0, add_attempt


def _status_on_page(client, cert) -> str:
    response = client.get(f"/verify/{cert.display_code}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    return page.split('data-status="')[1].split('"')[0]


def test_a_valid_certificate_shows_name_and_role_and_nothing_else_personal(app, client, holder):
    user, cert = holder
    page = client.get(f"/verify/{cert.display_code}").get_data(as_text=True)
    assert 'data-status="valid"' in page
    assert "Sara Exempelsson" in page and "ID-administrat" in page
    for private in (user.email, "Vårdcentralen Solna", "SE2321000016-ABC1", "Maria Chef"):
        assert private not in page


def test_expired_after_the_last_valid_day(app, client, holder, monkeypatch):
    _, cert = holder
    assert cert.status_on(date(2027, 11, 29)).value == "valid"
    assert cert.status_on(date(2027, 11, 30)).value == "expired"
    monkeypatch.setattr(service, "today", lambda now=None: date(2027, 11, 30))
    assert _status_on_page(client, cert) == "expired"


def test_revoked(app, client, holder, approver):
    _, cert = holder
    service.revoke(cert, approver, "Slutat sin tjänst")
    assert _status_on_page(client, cert) == "revoked"
    assert "Slutat sin tjänst" not in client.get(f"/verify/{cert.display_code}").get_data(
        as_text=True
    )


def test_superseded_by_a_new_approval(app, client, holder, approver):
    user, old = holder
    add_attempt(user, graded_at=T0 + timedelta(days=300))
    db.session.commit()
    new = service.approve(user, approver, now=T0 + timedelta(days=301))
    assert _status_on_page(client, old) == "superseded"
    assert _status_on_page(client, new) == "valid"


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        "{lower}",
        "{bare}",
        " {spaced} ",
        "{en_dash}",  # U+2013, as word processors and PDFs turn a hyphen into
        "{em_dash}",  # U+2014
        "{minus}",  # U+2212
        "{nb_hyphen}",  # U+2011 non-breaking hyphen
        "{nbsp}",  # U+00A0 no-break space instead of the hyphen
        "{soft}",  # U+00AD soft hyphen and a zero-width space
        "“{code}”.",  # quoted in a mail, with the sentence's full stop
        "{fullwidth}",  # full-width letters and digits from an East Asian input method
    ],
)
def test_the_form_accepts_the_code_as_people_type_it(app, client, holder, typed):
    _, cert = holder
    code = cert.display_code
    value = typed.format(
        code=code,
        lower=code.lower(),
        bare=code.replace("-", ""),
        spaced=code.replace("-", " "),
        en_dash=code.replace("-", "\u2013"),
        em_dash=code.replace("-", "\u2014"),
        minus=code.replace("-", "\u2212"),
        nb_hyphen=code.replace("-", "\u2011"),
        nbsp=code.replace("-", "\u00a0"),
        soft=code.replace("-", "\u00ad\u200b"),
        fullwidth="".join(chr(ord(c) + 0xFEE0) if c != "-" else "\uff0d" for c in code),
    )
    response = client.get("/verify", query_string={"code": value})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{code}")


def test_letters_easily_mistaken_are_read_as_digits(app):
    assert service.normalise_code("o1il0-abcde") == "01110ABCDE"
    assert service.normalise_code("ABCDE-FGHJ") is None  # too short
    assert service.normalise_code("ABCDE-FGHJU") is None  # U is not Crockford base32


def test_unknown_and_malformed_codes_answer_404_and_422(app, client):
    assert client.get("/verify/AAAAA-AAAAA").status_code == 404
    assert client.get("/verify", query_string={"code": "nonsense"}).status_code == 422
    assert client.get("/verify").status_code == 200


def test_unknown_codes_are_throttled_per_address(app, client, holder):
    _, cert = holder
    limit = app.config["CERT_VERIFY_MAX_MISSES"]
    for n in range(limit):
        assert client.get(f"/verify/AAAAA-AAAA{n % 10}").status_code == 404
    response = client.get(f"/verify/{cert.display_code}")
    assert response.status_code == 429  # even a right code, once the address is throttled
    assert response.headers["Retry-After"] == str(app.config["CERT_VERIFY_WINDOW_MINUTES"] * 60)
    assert client.get("/verify", query_string={"code": cert.display_code}).status_code == 429
    other = app.test_client()
    other_ip = {"REMOTE_ADDR": "10.0.0.9"}
    assert other.get(f"/verify/{cert.display_code}", environ_base=other_ip).status_code == 200


def test_many_lookups_of_known_codes_are_throttled_too(app, app_config, client, holder):
    _, cert = holder
    app.config["CERT_VERIFY_MAX_LOOKUPS"] = 3
    assert [client.get(f"/verify/{cert.display_code}").status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]


def test_the_throttle_page_says_in_swedish_when_to_try_again(app, client):
    for n in range(app.config["CERT_VERIFY_MAX_MISSES"]):
        client.get(f"/verify/AAAAA-AAAA{n % 10}")
    page = client.get("/verify/AAAAA-AAAAB").get_data(as_text=True)
    minutes = app.config["CERT_VERIFY_WINDOW_MINUTES"]
    assert f"Vänta {minutes} minuter och försök igen." in page
