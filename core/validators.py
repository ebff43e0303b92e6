import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-().]")
_INDONESIAN_MOBILE = re.compile(r"^\+628\d{7,11}$")


def normalize_whatsapp_number(value: str) -> str:
    """Return an Indonesian mobile number in international form (+628...), or the input as is.

    People type "0812-3456-7890", "62812..." or "+62 812 ..."; all mean the same number.
    """
    number = _SEPARATORS.sub("", value or "")
    if number.startswith("08"):
        number = "+62" + number[1:]
    elif number.startswith("628"):
        number = "+" + number
    return number


def validate_whatsapp_number(value: str) -> None:
    if value and not _INDONESIAN_MOBILE.match(normalize_whatsapp_number(value)):
        raise ValidationError(
            _("Enter a valid Indonesian mobile number, for example 0812 3456 7890."),
            code="invalid_whatsapp_number",
        )
