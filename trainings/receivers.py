from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from trainings.services import registrations_claim


@receiver(email_confirmed)
def claim_invitations(sender, request, email_address, **kwargs):
    """Staff may have invited this address before it had an account."""
    registrations_claim(user=email_address.user, email=email_address.email)
