"""Ask the MOT for support, in Debian's Chromium on a 390 px phone: pick the town among the suggestions, send the
request and see the confirmation; a bad e-mail address shows its error and stores nothing."""

from decimal import Decimal

import pytest
from django.core.cache import caches

from support.models import SupportRequest
from tests.factories import CountryFactory, DepartmentFactory, TownFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def givet(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caches["throttle"].clear()
    ardennes = DepartmentFactory(code="08", name="Ardennes")
    return TownFactory(
        insee_code="08190", name="Givet", postal_codes="08600", department=ardennes, intercommunality=None,
        border_country=CountryFactory(), border_distance_km=Decimal("1.0"),
    )  # fmt: skip


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


def _fill(page, email):
    page.get_by_label("Organisation").fill("Mairie")
    page.get_by_label("Your role").fill("Chargée de mission")
    page.get_by_label("Your name").fill("Camille Essai")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Your need").fill("Un projet avec nos voisins belges.")
    page.get_by_label("I agree to be contacted").check()


def test_send_a_request_on_a_phone(live_server, phone, givet):
    phone.goto(f"{live_server.url}/en/ask-the-mot/")
    box = phone.get_by_role("combobox", name="Town", exact=True)
    box.press_sequentially("Givet", delay=40)
    option = phone.locator("#id_town-suggestions").get_by_role("option").first
    option.wait_for()
    assert option.inner_text().startswith("Givet")
    option.dispatch_event("mousedown")
    assert box.input_value() == "Givet (08190)"
    assert phone.url.endswith("/en/ask-the-mot/")  # picking fills the box, it does not leave the form
    _fill(phone, "camille@example.org")
    phone.screenshot(path="/tmp/form-browser-phone-filled.png", full_page=True)
    phone.get_by_role("button", name="Send my request").click()
    phone.wait_for_url("**/en/ask-the-mot/sent/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Your request has been sent"
    request = SupportRequest.objects.get()
    assert request.town == givet
    assert request.email == "camille@example.org"
    # No horizontal scrolling on the phone.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_bad_email_shows_the_error_and_stores_nothing(live_server, phone, givet):
    phone.goto(f"{live_server.url}/en/ask-the-mot/?town=08190")
    _fill(phone, "camille-at-example")
    phone.get_by_role("button", name="Send my request").click()
    phone.wait_for_load_state()
    summary = phone.get_by_role("alert")
    assert "E-mail address: Enter an e-mail address" in summary.inner_text()
    email = phone.get_by_label("E-mail address")
    assert email.get_attribute("aria-invalid") == "true"
    assert "id_email_error" in email.get_attribute("aria-describedby")
    summary.get_by_role("link").first.click()
    assert phone.evaluate("document.activeElement.id") == "id_email"
    phone.screenshot(path="/tmp/form-browser-phone-error.png", full_page=True)
    assert SupportRequest.objects.count() == 0
