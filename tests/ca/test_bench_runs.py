"""The CA benchmark must keep running: a short run of bench/bench_ca.py, both key types.

Only that it runs end to end and reports every section is checked here; its figures are
read by people (docs/ca.md), never asserted in a test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_ca_runs_and_reports_every_section(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_ca.py"),
            "--seconds",
            "0.05",
            "--rounds",
            "1",
            "--clients",
            "1,2",
            "--crl-sizes",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for key in ("rsa2048", "p256"):
        assert any(line.startswith(key) for line in out.splitlines()), out
    for section in (
        "concurrent clients",
        "where one durable issuance goes",
        "timed inside ca.issue",
        "OCSP",
        "CRL generation",
        "against the 0.5 target",
        "card pairs",
        "bound with no other code at all",
        "the disk's own price for durability",
        "ceiling at same parallelism",
    ):
        assert section in out, f"missing {section!r} in:\n{out}"
    crl_lines = [line for line in out.splitlines() if "entries:" in line]
    assert len(crl_lines) == 2 and all(" 20 entries" in line for line in crl_lines), out
