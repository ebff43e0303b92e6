"""Building the week's digests, and the subscriptions: ask, confirm, unsubscribe, expire.

Every write of the app is here. Emails go through ``core.mail`` (queued for the task
worker, retried there); no request waits on the mail server.
"""

import logging
from datetime import date, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac

from core.mail import mail_keys_queued, mail_sent_hook, mail_template_queue
from digests import messages
from digests.models import Digest, DigestWeek, Subscription
from digests.periods import Area, week_last_finished, week_title
from digests.selectors import digest_content, digest_counts_by_area
from groups.models import Kim

logger = logging.getLogger(__name__)

CONFIRM_SALT = "digests.subscription-confirm"
# An unconfirmed subscription (and its link) lasts this long; the daily job deletes it after.
CONFIRM_DAYS = 7


# --- Subscriptions ---------------------------------------------------------------------------


def _area_filter(area: Area) -> dict:
    return {"kim": area.kim, "district": area.district}


def _confirm_check(subscription: Subscription) -> str:
    # Binds the link to this row without showing any part of its unsubscribe secret.
    return salted_hmac(CONFIRM_SALT, subscription.token).hexdigest()[:16]


def subscription_confirm_token(subscription: Subscription) -> str:
    """The signed token of the confirmation link (valid ``CONFIRM_DAYS`` days)."""
    return signing.dumps([subscription.pk, _confirm_check(subscription)], salt=CONFIRM_SALT)


def subscription_request(*, email: str, area: Area, language: str) -> Subscription:
    """Ask for ``area``'s digest at ``email`` and email the confirmation link. The same
    happens whether or not the address already asked or confirmed (the answer never tells),
    and a confirmed subscription stays confirmed."""
    email = email.strip().lower()
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(email=email, **_area_filter(area))
            .first()
        )
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        email=email, language=language, **_area_filter(area)
                    )
            except IntegrityError:
                # The same address asked twice at the same moment.
                subscription = Subscription.objects.get(email=email, **_area_filter(area))
        elif subscription.confirmed_at is None:
            # A new request starts the expiry again.
            subscription.created_at = timezone.now()
            subscription.language = language
            subscription.save(update_fields=["created_at", "language"])
        transaction.on_commit(lambda: _confirmation_queue(subscription, area))
    return subscription


def _confirmation_queue(subscription: Subscription, area: Area) -> None:
    with translation.override(subscription.language):
        url = messages.absolute(
            reverse("digests:confirm", kwargs={"token": subscription_confirm_token(subscription)})
        )
    mail_template_queue(
        to=subscription.email,
        template="digests/email/confirm",
        context={"area_name": area.name, "confirm_url": url, "days": CONFIRM_DAYS},
        language=subscription.language,
    )


def subscription_from_confirm_token(token: str) -> Subscription | None:
    """The subscription a confirmation link names while the link is valid; None for a
    wrong, expired or used-up link (a deleted subscription)."""
    try:
        pk, secret = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=CONFIRM_DAYS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    subscription = Subscription.objects.select_related("kim", "district").filter(pk=pk).first()
    if subscription is None or not constant_time_compare(_confirm_check(subscription), secret):
        return None
    return subscription


def subscription_confirm(*, subscription: Subscription) -> Subscription:
    """Activate the subscription; confirming again changes nothing."""
    Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    subscription.refresh_from_db(fields=["confirmed_at"])
    return subscription


def subscription_unsubscribe(*, token: str) -> bool:
    """Delete the subscription the unsubscribe link names; False when there is none (already
    unsubscribed): unsubscribing twice is harmless."""
    deleted, _rows = Subscription.objects.filter(token=token).delete()
    return bool(deleted)


def subscriptions_prune(*, now=None) -> int:
    """Delete subscriptions never confirmed within ``CONFIRM_DAYS``; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=CONFIRM_DAYS)
    deleted, _rows = Subscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return deleted


# --- The weekly build ------------------------------------------------------------------------


def digest_week_build(*, monday: date | None = None) -> DigestWeek:
    """Build the digests of a finished week (default: the last one) and queue the emails of
    the confirmed subscribers of every area that had something. Idempotent: a week already
    built is not built again, and a subscriber gets a week's email once (a rerun queues only
    what is missing)."""
    monday = monday or week_last_finished()
    with transaction.atomic():
        week, created = DigestWeek.objects.get_or_create(week_start=monday)
        if created:
            Digest.objects.bulk_create(
                Digest(
                    week=week,
                    kim_id=kim_id,
                    district_id=district_id,
                    built_at=week.built_at,
                    **counts,
                )
                for (kim_id, district_id), counts in digest_counts_by_area(monday=monday).items()
            )
        digest_emails_queue(week=week)
    return week


def _email_key(week: DigestWeek, subscription: Subscription) -> str:
    return f"digest:{week.week_start:%Y-%m-%d}:{subscription.pk}"


def digest_emails_queue(*, week: DigestWeek) -> int:
    """Queue the week's email to every subscriber (confirmed before the week was built) of
    an area with a digest that week, unless already queued or sent; returns how many."""
    digests = {(digest.kim_id, digest.district_id): digest for digest in week.digests.all()}
    due = list(
        Subscription.objects.confirmed()
        .filter(confirmed_at__lte=week.built_at)
        .exclude(last_sent_week__gte=week.week_start)
        .select_related("kim__district__regency", "kim__village", "district__regency")
        .order_by("pk")
    )
    due = [sub for sub in due if (sub.kim_id, sub.district_id) in digests]
    queued = mail_keys_queued(_email_key(week, sub) for sub in due)
    rendered = {}
    count = 0
    for subscription in due:
        key = _email_key(week, subscription)
        if key in queued:
            continue
        area = Area(kim=subscription.kim, district=subscription.district)
        if area.kim is not None and not _kim_is_public(area.kim):
            continue
        cache_key = (area.slug, subscription.language)
        if cache_key not in rendered:
            rendered[cache_key] = _digest_email_parts(area, week.week_start, subscription.language)
        _digest_email_queue(subscription, week, rendered[cache_key], key)
        count += 1
    if count:
        logger.info("Weekly digest %s: %d emails queued", week, count)
    return count


def _kim_is_public(kim: Kim) -> bool:
    return Kim.objects.public().in_area().filter(pk=kim.pk).exists()


def _digest_email_parts(area: Area, monday: date, language: str) -> dict:
    with translation.override(language):
        content = digest_content(area=area, monday=monday)
        return {
            "area_name": area.name,
            "week_title": week_title(monday),
            "title": messages.digest_title(area=area, monday=monday),
            "lines": _email_lines(content),
            "digest_url": messages.digest_url(area=area, monday=monday),
        }


# An email lists every item of a normal week; a week of hundreds lists what fits in this many
# characters and counts the rest (the page has them all).
EMAIL_ROOM = 12_000


def _email_lines(content) -> list[str]:
    """The digest's lines for an email, a blank line before each section's heading."""
    lines = []
    for line in messages.digest_lines(content, room=EMAIL_ROOM):
        if lines and not line.startswith(("• ", "…")):
            lines.append("")
        lines.append(line)
    return lines


def unsubscribe_url(subscription: Subscription) -> str:
    with translation.override(subscription.language):
        return messages.absolute(
            reverse("digests:unsubscribe", kwargs={"token": subscription.token})
        )


def _digest_email_queue(subscription, week, parts: dict, key: str) -> None:
    url = unsubscribe_url(subscription)
    mail_template_queue(
        to=subscription.email,
        template="digests/email/digest",
        context={**parts, "unsubscribe_url": url},
        language=subscription.language,
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        key=key,
        on_sent="digests.services.digest_email_mark_sent",
        on_sent_kwargs={
            "subscription_id": subscription.pk,
            "week_start": week.week_start.isoformat(),
        },
    )


@mail_sent_hook
def digest_email_mark_sent(*, subscription_id: int, week_start: str) -> None:
    """Remember that a subscriber got a week's email (called by the mail task once sent)."""
    Subscription.objects.filter(pk=subscription_id).exclude(last_sent_week__gte=week_start).update(
        last_sent_week=week_start
    )
