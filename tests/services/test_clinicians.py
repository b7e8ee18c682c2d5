"""Clinician accounts, called directly: created once per email, found by the
right password only."""

from __future__ import annotations

import pytest

from nudges.db.models import AuditEvent, Clinician
from nudges.runtime import Runtime
from nudges.services.clinicians import AccountError, authenticate, by_email, create_clinician
from tests.services.conftest import count

PASSWORD = "a long enough passphrase"


def test_an_account_is_found_by_its_email_and_the_right_password_only(runtime: Runtime) -> None:
    lee = create_clinician(runtime, " Lee@Clinic.example ", PASSWORD, name="Dr Lee")
    assert lee.email == "lee@clinic.example" and not lee.has_phone
    found = authenticate(runtime, "LEE@clinic.example", PASSWORD)
    assert found is not None and found.id == lee.id
    assert authenticate(runtime, "lee@clinic.example", PASSWORD + "!") is None
    assert authenticate(runtime, "kim@clinic.example", PASSWORD) is None
    assert by_email(runtime, "lee@clinic.example") == lee


@pytest.mark.parametrize(
    ("email", "password", "phone", "reason"),
    [
        ("not an email", PASSWORD, "", "email"),
        ("lee@clinic.example", "short", "", "12 characters"),
        ("lee@clinic.example", PASSWORD, "12", "phone number"),
    ],
)
def test_a_bad_account_is_refused_with_a_reason_and_nothing_stored(
    runtime: Runtime, email: str, password: str, phone: str, reason: str
) -> None:
    with pytest.raises(AccountError, match=reason):
        create_clinician(runtime, email, password, phone=phone)
    assert count(runtime, Clinician) == 0


def test_one_account_per_email(runtime: Runtime) -> None:
    create_clinician(runtime, "lee@clinic.example", PASSWORD)
    with pytest.raises(AccountError):
        create_clinician(runtime, "LEE@clinic.example", PASSWORD)
    assert count(runtime, Clinician) == 1
    assert count(runtime, AuditEvent) >= 1  # the creation was audited
