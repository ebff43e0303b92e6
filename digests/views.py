"""Public pages of the weekly digests: the digest of an area and week, subscribing, the
confirmation link and the unsubscribe link (RFC 8058 one-click)."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.limits import client_address
from core.origin import same_origin_form
from core.sharing import share_image, whatsapp_share_url
from digests import limits, messages
from digests.forms import SubscribeForm
from digests.models import Subscription
from digests.periods import (
    FIRST_YEAR,
    Area,
    area_parse,
    week_current,
    week_label,
    week_last_finished,
    week_parse,
    week_title,
)
from digests.selectors import digest_content
from digests.services import (
    CONFIRM_DAYS,
    subscription_confirm,
    subscription_from_confirm_token,
    subscription_request,
    subscription_unsubscribe,
)


def _area_or_404(slug: str) -> Area:
    try:
        return area_parse(slug)
    except LookupError as err:
        raise Http404 from err


@require_safe
def digest_latest(request, area: str):
    """/ringkasan/<area>/: the last finished week's digest."""
    area = _area_or_404(area)
    return redirect("digests:digest", area=area.slug, week=week_label(week_last_finished()))


@require_safe
def digest_detail(request, area: str, week: str):
    """One area's digest of one ISO week: a finished week, or the running one as a preview
    of the week so far. 404 for a week that is not one or has not begun."""
    area = _area_or_404(area)
    try:
        monday = week_parse(week)
    except ValueError as err:
        raise Http404 from err
    content = digest_content(area=area, monday=monday)
    text = messages.digest_whatsapp_text(content)
    current = week_current()
    previous = monday - timedelta(days=7)
    response = render(
        request,
        "digests/digest_detail.html",
        {
            "area": area,
            "content": content,
            "week": week_label(monday),
            "week_title": week_title(monday),
            "is_current": monday == current,
            "previous_week": week_label(previous)
            if previous.isocalendar()[0] >= FIRST_YEAR
            else None,
            "next_week": week_label(monday + timedelta(days=7)) if monday < current else None,
            "title": messages.digest_title(area=area, monday=monday),
            "whatsapp_text": text,
            "whatsapp_url": whatsapp_share_url(text),
            "canonical_url": messages.digest_url(area=area, monday=monday),
            "og": {
                "url": messages.digest_url(area=area, monday=monday),
                "title": messages.digest_title(area=area, monday=monday),
                "description": _(
                    "News, fact checks, trainings and answered aspirations of %(area)s in the "
                    "week of %(week)s."
                )
                % {"area": area.name, "week": week_title(monday)},
                "image": share_image(request, messages.digest_share_card(content)),
            },
            "subscribe_form": SubscribeForm(initial={"area": area.slug}),
            "subscribe_areas": area.wider(),
        },
    )
    if monday == current:
        patch_cache_control(response, max_age=60)
    return response


@same_origin_form
@require_POST
def subscribe(request):
    """Ask for a digest by email: the same answer whether or not the address is already
    subscribed; the confirmation email goes out through the task worker. The form sits on
    cached pages (KIM, region), so it carries no CSRF token (``same_origin_form``): it needs
    no login, and the email's owner confirms by the link sent to it."""
    form = SubscribeForm(request.POST)
    if form.data.get("website"):
        # A bot filled the hidden field: answer as if it worked, send nothing.
        return render(request, "digests/subscribe_sent.html", {"days": CONFIRM_DAYS})
    if not form.is_valid():
        try:
            areas = area_parse(form.data.get("area", "")).wider()
        except LookupError:
            areas = [Area()]
        return render(
            request,
            "digests/subscribe.html",
            {"subscribe_form": form, "subscribe_areas": areas},
            status=400,
        )
    if not limits.limit_take("address", client_address(request)):
        form.add_error(
            None,
            _("Too many requests came from your network. Please try again in an hour."),
        )
        return render(
            request,
            "digests/subscribe.html",
            {"subscribe_form": form, "subscribe_areas": form.cleaned_data["area"].wider()},
            status=429,
        )
    email = form.cleaned_data["email"].strip().lower()
    if limits.limit_take("email", email):
        subscription_request(email=email, area=form.cleaned_data["area"], language=get_language())
    return render(
        request,
        "digests/subscribe_sent.html",
        {"days": CONFIRM_DAYS, "area": form.cleaned_data["area"]},
    )


class ConfirmView(View):
    """The link in the confirmation email: a page with a button (mail scanners open links
    without pressing buttons); the button's POST activates the subscription."""

    def dispatch(self, request, *args, token, **kwargs):
        self.subscription = subscription_from_confirm_token(token)
        if self.subscription is None:
            return render(
                request, "digests/confirm_invalid.html", {"days": CONFIRM_DAYS}, status=404
            )
        self.area = Area(kim=self.subscription.kim, district=self.subscription.district)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(done=self.subscription.confirmed_at is not None)

    def post(self, request):
        subscription_confirm(subscription=self.subscription)
        return self._render(done=True)

    def _render(self, *, done: bool):
        response = render(
            self.request,
            "digests/confirm.html",
            {"area": self.area, "done": done, "latest_week": week_label(week_last_finished())},
        )
        patch_cache_control(response, private=True, no_store=True)
        return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """The unsubscribe link of every digest email. GET shows a button; a POST unsubscribes,
    from that button or sent by the mail program itself (``List-Unsubscribe-Post``, RFC 8058,
    which carries no CSRF token: the link's secret is the proof). Twice is harmless."""
    if request.method == "POST":
        subscription_unsubscribe(token=token)
        response = render(request, "digests/unsubscribe.html", {"done": True})
    else:
        subscription = (
            Subscription.objects.select_related("kim", "district").filter(token=token).first()
        )
        area = subscription and Area(kim=subscription.kim, district=subscription.district)
        response = render(
            request,
            "digests/unsubscribe.html",
            {"done": subscription is None, "area": area, "token": token},
        )
    patch_cache_control(response, private=True, no_store=True)
    return response
