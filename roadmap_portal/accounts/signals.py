"""Receivers of allauth's signals: a linked Person's address follows the verified one."""

from allauth.account.signals import email_changed, email_confirmed
from django.dispatch import receiver

from .services import sync_person_email


@receiver(email_changed, dispatch_uid="accounts.person_email_follows_change")
def person_email_follows_change(sender, request, user, to_email_address, **kwargs):
    if to_email_address is not None and to_email_address.verified:
        sync_person_email(user=to_email_address.user)


@receiver(email_confirmed, dispatch_uid="accounts.person_email_follows_confirmation")
def person_email_follows_confirmation(sender, request, email_address, **kwargs):
    if email_address.primary:
        sync_person_email(user=email_address.user)
