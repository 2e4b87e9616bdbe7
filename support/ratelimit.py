"""Rate limits of the "Ask the MOT" form, per client address and per e-mail address.

Counted in the ``throttle`` cache (``THROTTLE_CACHE_URL``: a Redis that never evicts), not the page cache, so that
flooding the page cache never resets a count; a sliding window, as DRF's throttles (the timestamps of the accepted
submissions within the window). The client address follows the API throttles' rule (``NUM_PROXIES``)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

PREFIX = "support-request"


@dataclass(frozen=True)
class Limit:
    key: str
    count: int
    seconds: int

    def history(self, now: float) -> list[float]:
        return [t for t in caches["throttle"].get(self.key, []) if t > now - self.seconds]

    def wait(self, now: float | None = None) -> int | None:
        """Seconds until one more submission is allowed; None when it is allowed now."""
        now = time.time() if now is None else now
        history = self.history(now)
        if len(history) < self.count:
            return None
        return max(1, int(min(history) + self.seconds - now) + 1)

    def record(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        caches["throttle"].set(self.key, [*self.history(now), now], self.seconds)


def _limit(rate: str, kind: str, ident: str) -> Limit:
    count, seconds = SimpleRateThrottle.parse_rate(None, rate)
    return Limit(key=f"{PREFIX}:{kind}:{ident}", count=count, seconds=seconds)


def client_limit(request: HttpRequest) -> Limit:
    return _limit(settings.SUPPORT_REQUEST_RATE_IP, "ip", BaseThrottle().get_ident(request))


def email_limit(email: str) -> Limit:
    # The address is hashed: the throttle cache holds no personal data.
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return _limit(settings.SUPPORT_REQUEST_RATE_EMAIL, "email", digest)
