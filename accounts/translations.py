"""Wording of third-party strings that our Indonesian catalogue overrides.

Django's auth catalogue (which precedes allauth's) calls the password "Sandi", allauth's the
next field "Kata sandi (lagi)". Strings marked here land in our catalogue, which takes
precedence (LOCALE_PATHS), so the whole portal says "kata sandi".
"""

from django.utils.translation import gettext_noop

OVERRIDDEN = [gettext_noop("Password")]
