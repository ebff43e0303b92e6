"""Reads about one person across the apps: what the portal keeps about them (UU PDP)."""

from django.utils import timezone

from accounts.models import User
from accounts.personal_data import export_date, personal_data_parts_to_export

EXPORT_FORMAT_VERSION = 1


def user_data_export(*, user: User) -> dict:
    """Everything the portal keeps about this person, for them to download (UU PDP art. 7-8):
    the account and its email addresses, then each app's registered part
    (``accounts.personal_data``: memberships and join requests, posts, training registrations
    with attendance and certificates, the aspirations sent while logged in). Other people's
    contact details are never part of it (who decided a request or checked them in is left
    out)."""
    from allauth.account.models import EmailAddress

    data = {
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": export_date(timezone.now()),
        "account": {
            "name": user.name,
            "email": user.email,
            "whatsapp_number": user.phone,
            "signed_up_at": export_date(user.date_joined),
            "last_login_at": export_date(user.last_login),
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
        },
    }
    for part in personal_data_parts_to_export():
        data[part.key] = part.export(user=user)
    return data
