"""Benchmark the PIV layer in-process and through pcscd + vpcd, reported as ratios.

    .venv/bin/python bench/bench_card.py [--rounds N] [--no-pcsc]

Measures PIN verify, GENERAL AUTHENTICATE signature (ECC P-256 and RSA-2048) and full
key generation + certificate write (ECC P-256), in-process (the baseline) and through
pcscd. pcscd is started (and stopped) here unless one already runs; the card service is
run in this process on the vpcd ports.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.card import InProcessConnection, PivSession  # noqa: E402
from sandbox.card.pcsc import PcscConnection, list_readers  # noqa: E402
from sandbox.card.piv import KeyType, Slot, build_self_signed_certificate  # noqa: E402
from sandbox.card.piv.certs import simple_name  # noqa: E402
from sandbox.card.service import CardService, create_card  # noqa: E402
from sandbox.card.virtual import VirtualPivCard, new_card_state  # noqa: E402
from sandbox.card.virtual.vpcd import reader_name  # noqa: E402

PIN = "123456"


def _time(operation: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        operation()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _operations(session: PivSession) -> dict[str, Callable[[], object]]:
    session.verify_pin(PIN)
    session.authenticate()
    session.generate_key(Slot.AUTHENTICATION, KeyType.ECCP256)
    session.generate_key(Slot.KEY_MANAGEMENT, KeyType.RSA2048)

    def keygen_and_certificate() -> None:
        session.authenticate()
        public_key = session.generate_key(Slot.AUTHENTICATION, KeyType.ECCP256)
        session.verify_pin(PIN)
        cert = build_self_signed_certificate(
            session, Slot.AUTHENTICATION, KeyType.ECCP256, public_key, simple_name("Bench")
        )
        session.put_certificate(Slot.AUTHENTICATION, cert)

    return {
        "verify PIN": lambda: session.verify_pin(PIN),
        "sign ECC P-256 (9A)": lambda: session.sign(Slot.AUTHENTICATION, KeyType.ECCP256, b"m"),
        "sign RSA-2048 (9D)": lambda: session.sign(Slot.KEY_MANAGEMENT, KeyType.RSA2048, b"m"),
        "keygen P-256 + certificate write": keygen_and_certificate,
    }


def _measure(session: PivSession, rounds: int) -> dict[str, float]:
    return {name: _time(op, rounds) for name, op in _operations(session).items()}


def _pcscd_running() -> bool:
    return bool(list_readers())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--no-pcsc", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        card = VirtualPivCard(new_card_state(), state_path=Path(tmp) / "inproc.json")
        baseline = _measure(PivSession(InProcessConnection(card)), args.rounds)
        results: dict[str, float] | None = None
        if not args.no_pcsc:
            results = _measure_pcsc(Path(tmp), args.rounds)

    print(f"{'operation':36} {'in-process':>12} {'pcscd+vpcd':>12} {'ratio':>8}")
    for name, base in baseline.items():
        if results is None:
            print(f"{name:36} {base * 1e3:10.2f}ms {'-':>12} {'-':>8}")
        else:
            through = results[name]
            print(f"{name:36} {base * 1e3:10.2f}ms {through * 1e3:10.2f}ms {through / base:7.1f}x")
    return 0


def _measure_pcsc(tmp: Path, rounds: int) -> dict[str, float]:
    pcscd = None
    if not _pcscd_running():
        pcscd = subprocess.Popen(  # noqa: S603
            ["/usr/sbin/pcscd", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        while reader_name(0) not in list_readers():
            if time.monotonic() > deadline:
                raise SystemExit("pcscd did not show the vpcd readers")
            time.sleep(0.2)
    service = CardService(tmp / "cards")
    try:
        number = create_card(tmp / "cards").card_number
        service.insert(number, 0)
        deadline = time.monotonic() + 15
        while True:
            try:
                connection = PcscConnection(reader_name(0))
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            return _measure(PivSession(connection), rounds)
        finally:
            connection.close()
    finally:
        service.shutdown()
        if pcscd is not None:
            pcscd.terminate()
            pcscd.wait(15)


if __name__ == "__main__":
    raise SystemExit(main())
