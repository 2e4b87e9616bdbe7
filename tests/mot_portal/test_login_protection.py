"""Admin sign-in resists password guessing (issue 11): django-axes locks an address or a username after
``AXES_FAILURE_LIMIT`` failures for ``AXES_COOLOFF_TIME``, even for the right password; success resets the count;
staff unlock; X-Forwarded-For counts only behind a trusted proxy."""

import json
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend

pytestmark = pytest.mark.django_db

LOGIN = "/en/admin/login/"
PASSWORD = "a-long-test-password-9"


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_user("ada", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def checked(monkeypatch):
    """The usernames whose password was actually checked (the real backend, counted)."""
    calls = []
    authenticate = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        calls.append(username)
        return authenticate(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    return calls


def _login(client, username, password, address="198.51.100.1", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/en/admin/"}, REMOTE_ADDR=address, **headers
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, admin_user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _login(client, "ada", "wrong").status_code == 200  # the form again, with its error
    assert _login(client, "ada", "wrong").status_code == 429  # the fifth failure locks

    response = _login(client, "ada", PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    assert "Sign-in temporarily blocked" in response.content.decode()


def test_fifty_attempts_check_only_five_passwords(client, admin_user, checked):
    """The attack of the issue: 50 wrong passwords in a row. Only the first five are checked."""
    statuses = [_login(client, "ada", f"guess-{n}").status_code for n in range(50)]
    assert statuses.count(200) == 4
    assert statuses.count(429) == 46
    assert len(checked) == 5


def test_one_address_is_locked_across_usernames(client, admin_user):
    for n in range(5):
        _login(client, f"someone-{n}", "wrong")
    response = _login(client, "ada", PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    # Another address signs in.
    assert _login(client, "ada", PASSWORD, address="198.51.100.2").status_code == 302


def test_one_username_is_locked_across_addresses(client, admin_user):
    for n in range(5):
        _login(client, "ada", "wrong", address=f"203.0.113.{n + 1}")
    assert _login(client, "ada", PASSWORD, address="203.0.113.99").status_code == 429
    assert not _signed_in(client)


def test_a_successful_sign_in_resets_the_count(client, admin_user):
    for _ in range(4):
        _login(client, "ada", "wrong")
    assert _login(client, "ada", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "ada", "wrong").status_code == 200
    assert _login(client, "ada", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, admin_user, settings):
    from datetime import timedelta

    for _ in range(5):
        _login(client, "ada", "wrong")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert _login(client, "ada", PASSWORD).status_code == 302


def test_staff_unlock(client, admin_user, django_user_model):
    for _ in range(5):
        _login(client, "ada", "wrong")
    assert _login(client, "ada", PASSWORD).status_code == 429

    staff = django_user_model.objects.create_user("root", password=PASSWORD, is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get("/fr/admin/axes/accessattempt/")
    html = page.content.decode()
    assert "Protection des connexions" in html
    assert "Déverrouiller les adresses et comptes sélectionnés" in html
    assert "Verrouillé" in html
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = client.post(
        "/fr/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": attempts}, follow=True
    )
    assert "1 verrouillage levé." in response.content.decode()
    client.logout()
    assert _login(client, "ada", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("lang", "heading", "wait"),
    [
        ("en", "Sign-in temporarily blocked", "Try again in 15 minutes."),
        ("fr", "Connexion temporairement bloquée", "Réessayez dans 15 minutes."),
    ],
)
def test_the_lockout_page_is_translated(client, admin_user, lang, heading, wait):
    for _ in range(5):
        response = client.post(f"/{lang}/admin/login/", {"username": "ada", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 429
    assert heading in html
    assert wait in html
    assert 'class="site-header"' in html  # the portal's layout


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, admin_user):
    """Without TRUSTED_PROXY, a client cannot escape the lockout by writing X-Forwarded-For."""
    for n in range(5):
        _login(client, f"someone-{n}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = _login(client, "ada", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429


def _run_settings(env: dict, expression: str):
    """``expression`` (on the settings module ``s``) computed by a fresh process from ``env``: settings are read
    once, at start-up."""
    code = f"import json; from mot_portal import settings as s; print(json.dumps({expression}))"
    out = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def _settings_with(env: dict) -> dict:
    names = ["AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_ORDER", "AXES_IPWARE_PROXY_COUNT", "IPWARE_STRICT"]
    expression = f"{{k: getattr(s, k) for k in {names}}} | {{'NUM_PROXIES': s.REST_FRAMEWORK['NUM_PROXIES']}}"
    return _run_settings(env, expression)


def test_behind_a_trusted_proxy_the_address_it_saw_counts(client, admin_user, settings):
    """TRUSTED_PROXY=true: the right-most X-Forwarded-For address (added by the proxy) is the client; what the
    client wrote on the left is ignored, and all clients arriving from the proxy's address are told apart."""
    for name, value in _settings_with({"TRUSTED_PROXY": "true"}).items():
        if name == "NUM_PROXIES":
            assert value == 1
        else:
            setattr(settings, name, value)
    proxy = "10.0.0.5"
    for n in range(5):
        _login(client, f"someone-{n}", "wrong", address=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    blocked = _login(client, "ada", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert blocked.status_code == 429
    other = _login(client, "ada", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 302


def test_without_a_trusted_proxy_settings_use_the_peer_address():
    values = _settings_with({"TRUSTED_PROXY": ""})
    assert values["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]
    assert values["NUM_PROXIES"] == 0
