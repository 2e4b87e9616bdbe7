"""The "Ask the MOT for support" form: success, each bad field, honeypot, rate limits, prefill, e-mails."""

import pytest
from django.core import mail
from django.core.cache import caches

from support.models import SupportRequest
from tests.conftest import localized_url
from tests.support.form.conftest import VALID

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def form_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SUPPORT_REQUEST_RECIPIENTS = ["appui@mot.example.org"]
    settings.DEFAULT_FROM_EMAIL = "MOT <no-reply@mot.example.org>"
    settings.SUPPORT_REQUEST_RATE_IP = "5/hour"
    settings.SUPPORT_REQUEST_RATE_EMAIL = "3/day"
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def url(lang="fr"):
    return localized_url("support:request", lang)


def post(client, lang="fr", **changes):
    data = {**VALID, "town": "Givet", "service": "", **changes}
    return client.post(url(lang), {k: v for k, v in data.items() if v is not None})


def test_french_and_english_addresses():
    assert url("fr") == "/fr/demander-un-appui/" or url("fr") == "/fr/ask-the-mot/"  # catalogue applied at merge
    assert url("en") == "/en/ask-the-mot/"
    assert localized_url("support:request_sent", "en") == "/en/ask-the-mot/sent/"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_form_page_is_never_cached_and_constant_in_queries(client, places, offer, lang, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the services; the town and the service of the prefill
        response = client.get(url(lang) + "?town=08190&service=diagnostic")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert response.cookies.get("csrftoken")  # a token of its own, never a cached one
    html = response.content.decode()
    assert 'value="Givet (08190)"' in html
    assert '<option value="diagnostic" selected>' in html
    assert "secret-draft" not in html  # draft services are not offered
    assert 'autocomplete="email"' in html
    assert 'autocomplete="organization"' in html
    assert 'autocomplete="tel"' in html
    assert 'data-suggest="/api/v1/towns/suggest/"' in html
    assert localized_url("support:privacy", lang) in html


def test_prefill_ignores_unknown_town_and_draft_service(client, places, offer):
    html = client.get(url() + "?town=99999&service=secret-draft").content.decode()
    assert 'name="town" value=' not in html
    assert "selected>Service secret-draft" not in html


def test_page_cache_never_stores_the_form(client, places, offer, settings):
    settings.PAGE_CACHE_SECONDS = 600
    first = client.get(url())
    second = client.get(url())
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second
    assert first["Cache-Control"] == second["Cache-Control"]
    assert "private" in first["Cache-Control"] or "no-store" in first["Cache-Control"]


def test_success_stores_the_request_and_sends_emails_after_commit(
    client, places, offer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, "en", town="Givet (08190)", service="diagnostic", need="Line one\r\nLine two\x07")
        assert mail.outbox == []  # nothing sent before the commit
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response["Location"] == localized_url("support:request_sent", "en")
    assert "quillardet" not in response["Location"].lower()
    request = SupportRequest.objects.get()
    assert request.town == places["givet"]
    assert request.service == offer["diagnostic"]
    assert request.need == "Line one\nLine two"  # control characters dropped, line breaks kept
    assert request.language == "en"
    assert request.status == SupportRequest.State.NEW
    assert request.acknowledged_at is not None
    assert request.notified_at is not None
    acknowledgement, notification = mail.outbox
    assert acknowledgement.to == [VALID["email"]]
    assert "Givet" in acknowledgement.subject
    assert "received" in acknowledgement.subject
    assert "Line one" in acknowledgement.body
    assert notification.to == ["appui@mot.example.org"]
    assert notification.reply_to == [VALID["email"]]
    assert VALID["name"] in notification.body
    assert "/admin/support/supportrequest/" in notification.body
    sent = client.get(response["Location"])
    assert sent.status_code == 200
    assert b"What happens next" in sent.content
    assert VALID["name"].encode() not in sent.content


def test_acknowledgement_in_french_holds_no_internal_notes(client, places, offer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "fr")
    from django.utils import translation
    from django.utils.translation import gettext

    acknowledgement = mail.outbox[0]
    with translation.override("fr"):
        greeting = gettext("Hello %(name)s,") % {"name": VALID["name"]}
    assert acknowledgement.body.startswith(greeting.replace("%(name)s", VALID["name"]))
    assert "Givet" in acknowledgement.subject
    assert "notes" not in acknowledgement.body.lower()


def test_no_recipient_skips_the_notification(
    client, places, offer, settings, django_capture_on_commit_callbacks, caplog
):
    settings.SUPPORT_REQUEST_RECIPIENTS = []
    with django_capture_on_commit_callbacks(execute=True):
        post(client)
    assert [m.to for m in mail.outbox] == [[VALID["email"]]]
    assert SupportRequest.objects.get().notified_at is None
    assert "no SUPPORT_REQUEST_RECIPIENTS" in caplog.text


def test_a_failed_send_keeps_the_request_and_beat_retries(
    client, places, offer, monkeypatch, django_capture_on_commit_callbacks, settings
):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    def down(self, messages):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert request.acknowledged_at is None
    assert request.notified_at is None
    monkeypatch.undo()
    settings.SUPPORT_REQUEST_EMAIL_RETRY_SECONDS = 0
    from support.tasks import send_pending_emails

    assert send_pending_emails() == 1
    request.refresh_from_db()
    assert request.acknowledged_at is not None
    assert request.notified_at is not None
    assert len(mail.outbox) == 2
    assert send_pending_emails() == 0  # never twice
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter an e-mail address"),
        ({"consent": None}, "consent", "Tick the box"),
        ({"town": "Nowhere-sur-Rien"}, "town", "No commune is named"),
        ({"town": "99999"}, "town", "No commune has the INSEE code 99999"),
        ({"need": "x" * 5001}, "need", "at most 5000 characters"),
        ({"need": "Bad \x00 byte"}, "need", "Null characters are not allowed"),
        ({"name": ""}, "name", "Enter your name"),
        ({"organisation": "o" * 201}, "organisation", "at most 200 characters"),
        ({"phone": "call me maybe"}, "phone", "phone number"),
    ],
)
def test_each_bad_field_shows_its_error_and_stores_nothing(client, places, offer, changes, field, message):
    response = post(client, "en", **changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'href="#id_{field}"' in html  # the summary links to the field
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Error:" in html
    assert SupportRequest.objects.count() == 0
    assert mail.outbox == []


def test_homonyms_are_listed_with_their_department(client, places, offer):
    response = post(client, "en", town="villers sur test")
    html = response.content.decode()
    assert "2 communes are named Villers-sur-Test" in html
    assert "Ardennes (08): INSEE code 08001" in html
    assert "Meuse (55): INSEE code 55001" in html
    assert SupportRequest.objects.count() == 0
    # …and the INSEE code settles it (the no-JavaScript path).
    assert post(client, "en", town="55001").status_code == 302
    assert SupportRequest.objects.get().town == places["homonym_55"]


def test_typed_name_without_javascript(client, places, offer):
    """Without JavaScript the box holds what was typed: a name (any case and accents) naming one commune."""
    assert post(client, town="GIVET").status_code == 302
    assert SupportRequest.objects.get().town == places["givet"]


def test_output_is_escaped(client, places, offer):
    response = post(client, "en", name="<script>alert(1)</script>", email="bad")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_honeypot_pretends_success_and_stores_nothing(client, places, offer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == localized_url("support:request_sent", "fr")
    assert SupportRequest.objects.count() == 0
    assert mail.outbox == []


def test_honeypot_is_hidden_accessibly_without_inline_style(client, places, offer):
    html = client.get(url()).content.decode()
    assert '<div class="support-hp" aria-hidden="true">' in html
    assert 'tabindex="-1"' in html
    assert "style=" not in html


def test_rate_limit_per_address(client, places, offer, settings):
    for n in range(5):
        assert post(client, email=f"person{n}@example.org").status_code == 302
    response = post(client, email="another@example.org")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many requests" in response.content or b"Trop" in response.content
    assert SupportRequest.objects.count() == 5
    # Another address is not limited.
    other = client.post(url(), {**VALID, "town": "Givet", "email": "another@example.org"}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302
    assert SupportRequest.objects.count() == 6


def test_rate_limit_per_email(client, places, offer):
    for n in range(3):
        response = client.post(url(), {**VALID, "town": "Givet"}, REMOTE_ADDR=f"10.0.1.{n}")
        assert response.status_code == 302
    response = client.post(url(), {**VALID, "town": "Givet", "email": VALID["email"].upper()}, REMOTE_ADDR="10.0.1.9")
    assert response.status_code == 429
    assert SupportRequest.objects.count() == 3


def test_rate_limit_counts_in_the_throttle_cache(client, places, offer):
    """The counts live in the "throttle" cache (THROTTLE_CACHE_URL: a Redis that never evicts), not the page cache."""
    from django.core.cache import cache

    post(client)
    key = "support-request:ip:127.0.0.1"
    assert len(caches["throttle"].get(key)) == 1
    assert cache.get(key) is None
    assert SupportRequest.objects.count() == 1
