"""What every PDF the portal draws shares: the fonts and the text they are given.

DejaVu is shipped with the portal (``fonts/LICENSE``): the PDF core fonts cover Latin-1 only,
and a certificate or a bulletin must print "Şahin", "Nur’aini" or "Nguyễn" with their own
letters.
"""

import unicodedata
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
MONO = "DejaVuMono"


def pdf_fonts_add(pdf: FPDF) -> FPDF:
    """Register DejaVu Sans (regular, bold) and DejaVu Sans Mono bold on ``pdf``."""
    pdf.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.add_font(MONO, "B", FONTS / "DejaVuSansMono-Bold.ttf")
    return pdf


def pdf_text(text) -> str:
    """Composed form (NFC): a name typed with combining marks prints as one letter each."""
    return unicodedata.normalize("NFC", str(text))
