"""The request budget of each API client: its API key's own rate, else its staff account's, else its address's."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from mot_portal.rest import ThrottleCacheMixin


def consumer_key(request):
    """The valid API key of the request (see authentication.py), or None."""
    from mot_portal.apikeys.models import ConsumerKey  # DRF loads throttles before the apps are ready

    return request.auth if isinstance(request.auth, ConsumerKey) else None


class ClientRateThrottle(ThrottleCacheMixin, SimpleRateThrottle):
    """One budget per client: a key holder at its key's ``rate``, a signed-in account at the "user" rate,
    anyone else per address at the "anon" rate. Over budget, DRF answers 429 with ``Retry-After``."""

    scope = "anon"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # read now, not when DRF was imported

    def allow_request(self, request, view):
        key = consumer_key(request)
        if key is not None:
            self.scope, self.rate = "apikey", key.rate
        else:
            self.scope = "user" if request.user and request.user.is_authenticated else "anon"
            self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        key = consumer_key(request)
        if key is not None:
            ident = key.prefix
        elif request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PageScriptRateThrottle(ClientRateThrottle):
    """The budget of the requests the portal's own pages make from their scripts (map layers, town suggestions):
    a visitor browsing a few map pages and typing in the search box makes several per page, so anonymous visitors
    get the larger "page_script" rate, per address, counted apart from their "anon" API budget. Key holders and
    staff keep their own budget."""

    def allow_request(self, request, view):
        if consumer_key(request) is None and not (request.user and request.user.is_authenticated):
            self.scope = "page_script"
            self.rate = self.get_rate()
            self.num_requests, self.duration = self.parse_rate(self.rate)
            return SimpleRateThrottle.allow_request(self, request, view)
        return super().allow_request(request, view)
