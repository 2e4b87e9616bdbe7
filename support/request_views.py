"""The "Ask the MOT for support" pages: the form (GET, POST) and the page it redirects to once sent.

The form page is never cached (``never_cache``): it carries a CSRF token, and the page cache must never hand one
visitor's token to another (mot_portal/cache.py also skips responses that set a cookie). No personal data goes
into a URL, a log line or a cached page.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from support.models import Service
from support.ratelimit import Limit, client_limit, email_limit
from support.request_forms import SupportRequestForm, town_label
from support.request_services import support_request_create
from towns.models import Town

logger = logging.getLogger(__name__)


def _initial(request: HttpRequest) -> dict:
    """What ``?town=<insee>&service=<slug>`` prefill (a link from a town page, a diagnostic or a service)."""
    initial = {}
    code = request.GET.get("town", "").strip().upper()[:5]
    if code:
        town = Town.objects.filter(insee_code=code).only("name", "insee_code").first()
        if town is not None:
            initial["town"] = town_label(town)
    slug = request.GET.get("service", "").strip()[:120]
    if slug and Service.objects.published().filter(slug=slug).exists():
        initial["service"] = slug
    return initial


def _limited(request: HttpRequest, limit: Limit, wait: int) -> HttpResponse:
    logger.info("Support request refused: rate limit %s reached.", limit.key.split(":")[1])
    response = render(request, "support/request_limited.html", {"wait_minutes": max(1, (wait + 59) // 60)}, status=429)
    response["Retry-After"] = str(wait)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = SupportRequestForm(initial=_initial(request))
        return render(request, "support/request_form.html", {"form": form})
    by_client = client_limit(request)
    wait = by_client.wait()
    if wait is not None:
        return _limited(request, by_client, wait)
    form = SupportRequestForm(request.POST)
    if form.is_spam:
        logger.info("Support request refused: honeypot filled.")
        return redirect("support:request_sent")  # a robot learns nothing; nothing is stored
    if not form.is_valid():
        return render(request, "support/request_form.html", {"form": form})
    data = form.cleaned_data
    by_email = email_limit(data["email"])
    wait = by_email.wait()
    if wait is not None:
        return _limited(request, by_email, wait)
    support_request_create(
        town=data["town"],
        organisation=data["organisation"],
        role=data["role"],
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        service=data["service"],
        need=data["need"],
        consent=data["consent"],
        language=get_language() or "",
    )
    by_client.record()
    by_email.record()
    return redirect("support:request_sent")


def request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "support/request_sent.html", {})
