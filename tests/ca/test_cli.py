"""`flask ca ...` commands, their one-line errors, and the audit adapter."""

from __future__ import annotations

import sys
import types

import pytest
from cryptography import x509

from .helpers import make_csr

ISSUE = [
    "issue",
    "--profile",
    "loa3-auth",
    "--hsa-id",
    "SE2321000016-12ZX",
    "--given-name",
    "Anna",
    "--surname",
    "Andersson",
    "--card-number",
    "9752278900000000001",
]


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def ca(runner, *args):
    return runner.invoke(args=["ca", *args])


def _error_line(result) -> str:
    return result.stderr.strip().splitlines()[-1]


@pytest.fixture
def initialised(runner):
    result = ca(runner, "init")
    assert result.exit_code == 0, result.output
    return runner


def test_init_creates_the_hierarchy_and_refuses_to_overwrite(runner, events):
    first = ca(runner, "init")
    assert first.exit_code == 0, first.output
    assert "TEST SITHS e-id Root CA v2" in first.output
    assert "hsa-id-3-ocsp" in first.output
    again = ca(runner, "init")
    assert again.exit_code == 1
    assert _error_line(again).startswith("Error: a CA hierarchy already exists")
    assert "--force" in _error_line(again)
    forced = ca(runner, "init", "--force")
    assert forced.exit_code == 0, forced.output
    assert [d["force"] for a, d in events.events if a == "ca.init"] == [False, True]


def test_profiles_lists_every_profile(runner):
    result = ca(runner, "profiles")
    assert result.exit_code == 0
    for name in ("loa3-auth", "loa3-sign", "loa2-reserve-auth", "loa2-reserve-sign"):
        assert name in result.output
    assert "validity<=14d" in result.output


def test_certs_writes_root_and_issuing_ca_pems(initialised, tmp_path):
    out = tmp_path / "out"
    result = ca(initialised, "certs", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["hsa-id-2.pem", "hsa-id-3.pem", "root.pem"]
    for path in out.iterdir():
        x509.load_pem_x509_certificate(path.read_bytes())


def test_issue_list_revoke_and_crl(initialised, tmp_path, card_keys, events):
    csr = tmp_path / "auth.csr"
    csr.write_bytes(make_csr(card_keys["auth"]))
    out = tmp_path / "auth.pem"
    result = ca(initialised, *ISSUE, "--csr", str(csr), "--out", str(out))
    assert result.exit_code == 0, result.output
    cert = x509.load_pem_x509_certificate(out.read_bytes())
    serial = format(cert.serial_number, "x")
    listed = ca(initialised, "list")
    assert listed.exit_code == 0
    assert serial in listed.output and "good" in listed.output
    # serial typed with colons and upper case, as openssl prints it
    typed = ":".join(serial.upper()[i : i + 2] for i in range(0, len(serial), 2))
    revoked = ca(initialised, "revoke", typed, "--reason", "keyCompromise")
    assert revoked.exit_code == 0, revoked.output
    assert "revoked (keyCompromise)" in ca(initialised, "list").output
    again = ca(initialised, "revoke", serial, "--reason", "superseded")
    assert again.exit_code == 1 and "already revoked" in _error_line(again)
    crl = ca(initialised, "crl")
    assert crl.exit_code == 0 and crl.output.count("CRL #") == 3
    assert ca(initialised, "crl", "--if-due").exit_code == 0
    actions = [a for a, _ in events.events]
    for action in ("ca.init", "ca.issue", "ca.revoke", "ca.crl"):
        assert action in actions


def test_issue_writes_pem_to_stdout_without_out(initialised, tmp_path, card_keys):
    csr = tmp_path / "sign.csr"
    csr.write_bytes(make_csr(card_keys["sign"]))
    result = ca(initialised, *ISSUE[:2], "loa3-sign", *ISSUE[3:], "--csr", str(csr))
    assert result.exit_code == 0
    assert "-----BEGIN CERTIFICATE-----" in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--csr": "missing.csr"}, "No such file or directory"),
        ({"--csr": "garbage.csr"}, "not a PEM or DER certificate signing request"),
        ({"--profile": "loa9-auth"}, "unknown profile 'loa9-auth'"),
        ({"--hsa-id": "SE123-X"}, "invalid HSA-id 'SE123-X'"),
        ({"--card-number": "12AB"}, "invalid card number"),
        ({"--validity-days": "4000"}, "outside 1-1826"),
    ],
)
def test_issue_errors_are_one_clear_line(initialised, tmp_path, card_keys, change, message):
    (tmp_path / "good.csr").write_bytes(make_csr(card_keys["auth"]))
    (tmp_path / "garbage.csr").write_bytes(b"hello")
    options = dict(zip(ISSUE[1::2], ISSUE[2::2], strict=True))
    options["--csr"] = "good.csr"
    options.update(change)
    options["--csr"] = str(tmp_path / options["--csr"])
    args = ["issue"] + [x for pair in options.items() for x in pair]
    result = ca(initialised, *args)
    assert result.exit_code == 1
    line = _error_line(result)
    assert line.startswith("Error: ") and message in line


def test_revoke_errors(initialised):
    bad = ca(initialised, "revoke", "xyz", "--reason", "keyCompromise")
    assert bad.exit_code == 1 and "not a hexadecimal number" in _error_line(bad)
    unknown = ca(initialised, "revoke", "abc123", "--reason", "keyCompromise")
    assert unknown.exit_code == 1 and "no certificate with serial abc123" in _error_line(unknown)


def test_commands_before_init_say_to_run_init(runner, tmp_path):
    result = ca(runner, "certs", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1 and "ca init" in _error_line(result)


def test_audit_adapter_calls_record_event_with_target_and_states(monkeypatch):
    from sandbox.console.ca_routes import audit_event_callback

    calls = []
    fake = types.ModuleType("lms.audit")
    fake.record_event = lambda action, **kwargs: calls.append((action, kwargs))
    monkeypatch.setitem(sys.modules, "lms.audit", fake)
    callback = audit_event_callback()
    callback("ca.revoke", {"serial": "ab12", "reason": "keyCompromise"})
    callback("ca.crl", {"ca": "hsa-id-3", "crl_number": 4})
    assert calls == [
        (
            "ca.revoke",
            {
                "target_type": "ca_certificate",
                "target_id": "ab12",
                "from_state": "good",
                "to_state": "revoked",
                "details": {"serial": "ab12", "reason": "keyCompromise"},
            },
        ),
        (
            "ca.crl",
            {
                "target_type": "ca",
                "target_id": "hsa-id-3",
                "from_state": None,
                "to_state": None,
                "details": {"ca": "hsa-id-3", "crl_number": 4},
            },
        ),
    ]


def test_audit_adapter_falls_back_to_logging_without_lms(monkeypatch):
    from sandbox.console.ca_routes import audit_event_callback

    monkeypatch.setitem(sys.modules, "lms.audit", None)  # import raises ImportError
    audit_event_callback()("ca.init", {"force": False})


def _good_csr(tmp_path, card_keys):
    csr = tmp_path / "good.csr"
    csr.write_bytes(make_csr(card_keys["auth"]))
    return csr


def test_issue_to_a_folder_that_does_not_exist_issues_nothing(initialised, tmp_path, card_keys):
    out = tmp_path / "missing" / "c.pem"
    result = ca(
        initialised, *ISSUE, "--csr", str(_good_csr(tmp_path, card_keys)), "--out", str(out)
    )
    assert result.exit_code == 1
    assert _error_line(result) == f"Error: cannot write {out}: the folder does not exist"
    assert "0 certificate(s)" in ca(initialised, "list").stderr


def test_issue_refused_by_the_ca_leaves_no_empty_file(initialised, tmp_path, card_keys):
    out = tmp_path / "c.pem"
    args = [*ISSUE[:-1], "12AB", "--csr", str(_good_csr(tmp_path, card_keys)), "--out", str(out)]
    result = ca(initialised, *args)
    assert result.exit_code == 1 and "invalid card number" in _error_line(result)
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_issue_prints_the_certificate_when_writing_fails_after_issuing(
    initialised, tmp_path, card_keys, monkeypatch
):
    import sandbox.console.ca_cli as ca_cli_module

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ca_cli_module.os, "replace", disk_full)
    out = tmp_path / "c.pem"
    result = ca(
        initialised, *ISSUE, "--csr", str(_good_csr(tmp_path, card_keys)), "--out", str(out)
    )
    assert result.exit_code == 1
    cert = x509.load_pem_x509_certificate(result.stdout.encode())
    serial = format(cert.serial_number, "x")
    line = _error_line(result)
    assert f"issued serial {serial}" in line and "No space left on device" in line
    assert "printed above" in line
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_certs_writes_no_file_when_one_of_them_cannot_be_written(
    initialised, tmp_path, monkeypatch
):
    import sandbox.console.ca_cli as ca_cli_module

    real_open = ca_cli_module.os.open

    def refuse_one(path, *args):
        if "hsa-id-3" in str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args)

    monkeypatch.setattr(ca_cli_module.os, "open", refuse_one)
    out = tmp_path / "out"
    result = ca(initialised, "certs", "--out", str(out))
    assert result.exit_code == 1
    assert _error_line(result) == f"Error: cannot write {out / 'hsa-id-3.pem'}: Permission denied"
    assert list(out.iterdir()) == []


def test_certs_before_init_creates_no_folder(runner, tmp_path):
    result = ca(runner, "certs", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1 and not (tmp_path / "x").exists()
