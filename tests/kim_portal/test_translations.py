import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def test_every_interface_string_has_an_indonesian_translation():
    po = LOCALE / "id" / "LC_MESSAGES" / "django.po"
    statistics = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr

    assert "translated message" in statistics
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


@pytest.mark.parametrize("language", ["id", "en"])
def test_compiled_catalogues_are_up_to_date(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    compiled = subprocess.run(
        ["msgfmt", "--check-format", "-o", "-", str(po)], capture_output=True, check=True
    ).stdout
    assert mo.read_bytes() == compiled
