"""The certificate as a PDF: A4, in Swedish (the document's language, whatever the UI language),
with the verification code and a QR code for the public verification URL.

DejaVu Sans is embedded when installed (for å, ä, ö in every viewer); otherwise Helvetica.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from lms.certification.service import STOCKHOLM, verification_url
from lms.models.certification import Certification

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

ROLE_NAMES_SV = {
    "bitradande_utgivare": "Biträdande utgivare",
    "id_administrator": "ID-administratör",
}


def _fonts() -> tuple[str, str]:
    """(regular, bold) font names, registering DejaVu Sans once if it is installed."""
    if DEJAVU.is_file() and DEJAVU_BOLD.is_file():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(DEJAVU_BOLD)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def certificate_pdf(cert: Certification, issuer: str) -> bytes:
    regular, bold = _fonts()
    url = verification_url(cert)
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Intyg – {cert.holder_name}")
    pdf.setAuthor(issuer)
    pdf.setSubject(f"Verifieringskod {cert.display_code}")
    width, height = A4
    left = 25 * mm

    pdf.setFont(bold, 26)
    pdf.drawString(left, height - 40 * mm, "Intyg om godkännande")
    pdf.setFont(regular, 13)
    pdf.drawString(
        left,
        height - 50 * mm,
        "Administratör av e-tjänstekort (SITHS) – utbildning och kunskapstest",
    )

    approved = cert.approved_at.astimezone(STOCKHOLM).date().isoformat()
    rows = [
        ("Namn", cert.holder_name),
        ("Roll", ROLE_NAMES_SV.get(cert.role_granted, cert.role_granted)),
        ("Organisation", cert.organisation),
        ("Godkänd", approved),
        ("Giltigt till och med", cert.valid_until.isoformat()),
        ("Kursinnehållets version", cert.course_version[:16]),
        ("Kunskapstestets version", cert.bank_version[:16]),
        ("Verifieringskod", cert.display_code),
    ]
    y = height - 72 * mm
    for label, value in rows:
        pdf.setFont(regular, 11)
        pdf.drawString(left, y, label)
        pdf.setFont(bold, 13)
        pdf.drawString(left + 55 * mm, y, value)
        y -= 10 * mm

    size = 50 * mm
    pdf.drawImage(
        ImageReader(io.BytesIO(qr_png(url))), left, y - size - 5 * mm, width=size, height=size
    )
    pdf.setFont(regular, 11)
    text = pdf.beginText(left + size + 8 * mm, y - 12 * mm)
    text.setFont(regular, 11)
    for line in ("Kontrollera att intyget gäller:", "skanna QR-koden eller öppna", url):
        text.textLine(line)
    pdf.drawText(text)

    pdf.setFont(regular, 9)
    key_url = url.rsplit("/verify/", 1)[0] + "/verify/public-key.pem"
    for offset, line in enumerate(
        (
            f"Utfärdat av {issuer}. Godkännandet är digitalt signerat: den signerade posten",
            "(JSON, hämtas av innehavaren) kan kontrolleras mot plattformens publika nyckel",
            key_url,
        )
    ):
        pdf.drawString(left, (30 - 5 * offset) * mm, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
