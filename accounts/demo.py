"""Demo accounts for ``seed_demo``; the passwords are printed by ``make run``."""

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User
from accounts.services import user_make_staff

DEMO_ACCOUNTS = [
    # (role, email, name, password)
    ("staff", "staf@demo.test", "Meita Ariansi", "Demo-Staf-2026"),
    ("resident", "warga@demo.test", "Siti Rahmawati", "Demo-Warga-2026"),
    ("kim chair", "ketua@demo.test", "Rudi Hartono", "Demo-Ketua-2026"),
    ("superuser", "admin@demo.test", "Admin Portal", "Demo-Admin-2026"),
]


@transaction.atomic
def demo_accounts_seed() -> list[tuple[str, str, str]]:
    """Create or reset the demo accounts; return (role, email, password) for each."""
    for role, email, name, password in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first() or User(email=email)
        user.name = name
        user.is_superuser = user.is_staff = role == "superuser"
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == "staff":
            user_make_staff(user=user)
    return [(role, email, password) for role, email, _name, password in DEMO_ACCOUNTS]
