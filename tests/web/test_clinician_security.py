"""Sessions end on the server, every page carries its security headers, client
data is never cached, and junk ids and input get 404 and 400, never 500 (on
PostgreSQL too: run with TEST_DATABASE_URL)."""

from __future__ import annotations

from typing import Any

import pytest

from nudges.runtime import Runtime
from nudges.services.clinicians import set_password
from tests.conftest import ANNA_ATLANTA, SignedClient
from tests.web import test_clinician_pages as pages
from tests.web.test_clinician_pages import LEE, Clinic, client_id, token

lee, ross, runtime = pages.lee, pages.ross, pages.runtime


def _copy_of(app: Any, clinic: Clinic) -> Any:
    """Another browser holding a copy of the clinician's session cookie."""
    thief = app.test_client()
    cookie = clinic.client.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value, domain=cookie.domain)
    return thief


def test_a_copied_cookie_stops_working_at_logout(app: Any, lee: Clinic) -> None:
    thief = _copy_of(app, lee)
    assert thief.get("/clinician/").status_code == 200  # a copy works while logged in
    assert lee.post("/clinician/logout", "/clinician/").status_code == 302
    assert thief.get("/clinician/").status_code == 302  # to the login page
    assert lee.client.get("/clinician/").status_code == 302
    # Logging in again works, and the old copy still does not.
    assert lee.login(*LEE).status_code == 302
    assert lee.client.get("/clinician/").status_code == 200
    assert thief.get("/clinician/").status_code == 302


def test_a_new_password_ends_every_session(app: Any, lee: Clinic, runtime: Runtime) -> None:
    thief = _copy_of(app, lee)
    set_password(runtime, LEE[0], "a brand new long passphrase")
    assert thief.get("/clinician/").status_code == 302
    assert lee.client.get("/clinician/").status_code == 302
    assert lee.login(*LEE).status_code == 401
    assert lee.login(LEE[0], "a brand new long passphrase").status_code == 302


@pytest.mark.parametrize(
    "path", ["/clinician/login", "/clinician/", "/clinician/audit", "/healthz", "/dev/phone"]
)
def test_every_page_forbids_framing_and_sniffing(app: Any, lee: Clinic, path: str) -> None:
    response = lee.client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_with_client_data_are_not_stored(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "I want to die")
    sub_id = client_id(runtime)
    for path in (
        "/clinician/",
        f"/clinician/clients/{sub_id}",
        f"/clinician/clients/{sub_id}/export.csv",
        "/clinician/audit",
    ):
        response = lee.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    # The clinician pages' own script-free policy has no inline allowance.
    csp = lee.client.get("/clinician/").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize("junk", ["2147483648", "9223372036854775808", "99999999999999999999999"])
def test_an_id_past_the_integer_range_is_404_on_every_url(
    lee: Clinic, runtime: Runtime, junk: str
) -> None:
    assert lee.client.get(f"/clinician/clients/{junk}").status_code == 404
    assert lee.client.get(f"/clinician/clients/{junk}/export.csv").status_code == 404
    for path in (
        f"/clinician/clients/{junk}/pause",
        f"/clinician/clients/{junk}/change",
        f"/clinician/alerts/{junk}/acknowledge",
        f"/clinician/alerts/{junk}/number",
    ):
        assert lee.post(path, "/clinician/").status_code == 404, path
    assert lee.client.get(f"/clinician/alerts/{junk}").status_code == 404


def test_an_id_that_is_not_a_client_of_theirs_is_404(
    lee: Clinic, ross: Clinic, runtime: Runtime
) -> None:
    lee.invite(ANNA_ATLANTA)
    sub_id = client_id(runtime)
    assert ross.client.get(f"/clinician/clients/{sub_id}/export.csv").status_code == 404
    assert ross.client.get(f"/clinician/clients/{sub_id + 1}").status_code == 404
    assert ross.client.get("/clinician/clients/0").status_code == 404
    assert ross.client.get("/clinician/clients/-1").status_code == 404


def test_a_nul_byte_in_the_login_email_is_a_clean_400(app: Any, lee: Clinic) -> None:
    browser = app.test_client()
    page = browser.get("/clinician/login")
    form = {"email": "dr.lee\x00@example.org", "password": LEE[1]}
    response = browser.post("/clinician/login", data={**form, "csrf_token": token(page.data)})
    assert response.status_code == 400


def test_a_nul_byte_in_an_alias_or_a_query_is_a_clean_400(lee: Clinic, runtime: Runtime) -> None:
    refused = lee.invite(ANNA_ATLANTA, alias="Mum\x00of twins")
    assert refused.status_code == 400
    # The site's own page, saying what went wrong, not Werkzeug's plain one.
    assert b"could not be read" in refused.data and b"Nothing was changed" in refused.data
    assert lee.client.get("/clinician/audit?action=login\x00").status_code == 400
    from nudges.db.models import Subscriber

    assert pages.rows(runtime, Subscriber) == []
    # A long alias is a 400 with words, not a database error.
    assert lee.invite(ANNA_ATLANTA, alias="x" * 500).status_code == 400


def test_a_form_without_its_csrf_token_gets_a_page_that_says_to_reload(lee: Clinic) -> None:
    response = lee.client.post(
        "/clinician/clients/new", data={"phone": ANNA_ATLANTA, "alias": "A", "frequency": "3w"}
    )
    assert response.status_code == 400
    page = response.data.decode()
    assert "This form had expired" in page and "Reload the page" in page
    assert "<!doctype html>" in page.lower() and "Go back" in page
