"""Clinician accounts: create, check a password, load. Passwords are hashed with
scrypt (Werkzeug's default, a current memory-hard algorithm)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from nudges.db.models import Clinician
from nudges.domain.phone import InvalidPhone, parse_phone
from nudges.runtime import Runtime
from nudges.services.audit import record

MIN_PASSWORD = 12
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}")
# Checked against when an email is unknown, so a wrong email costs the same time
# as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not a real password, only for timing")


class AccountError(ValueError):
    """A clear reason the account cannot be created."""


@dataclass(frozen=True)
class ClinicianView:
    id: int
    email: str
    name: str
    has_phone: bool
    timezone: str = "America/New_York"  # the zone they read times in
    session_version: int = 0  # a login session names it; a newer one ends the session


def _view(row: Clinician, default_zone: str) -> ClinicianView:
    return ClinicianView(
        row.id,
        row.email,
        row.name,
        bool(row.phone),
        row.timezone or default_zone,
        row.session_version or 0,
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_clinician(
    runtime: Runtime, email: str, password: str, name: str = "", phone: str = ""
) -> ClinicianView:
    email = normalise_email(email)
    if not EMAIL.fullmatch(email):
        raise AccountError("that does not look like an email address")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters")
    number = None
    if phone.strip():
        try:
            number = parse_phone(phone)
        except InvalidPhone as exc:
            raise AccountError(str(exc)) from None
    now = runtime.clock.now()
    with runtime.db.session() as session:
        taken = session.scalar(select(func.count()).where(Clinician.email == email))
        if taken:
            raise AccountError("a clinician with that email already exists")
        row = Clinician(
            email=email,
            name=name.strip()[:120] or email.split("@")[0],
            phone=number,
            password_hash=generate_password_hash(password),
            created_at=now,
        )
        session.add(row)
        session.flush()
        record(session, now, "clinician_created", actor="cli", clinician_id=row.id)
        return _view(row, runtime.settings.default_timezone)


def authenticate(runtime: Runtime, email: str, password: str) -> ClinicianView | None:
    """The clinician if the password is right; every attempt is audited."""
    email = normalise_email(email)
    now = runtime.clock.now()
    with runtime.db.session() as session:
        row = session.scalar(select(Clinician).where(Clinician.email == email))
        ok = check_password_hash(row.password_hash if row else _DUMMY_HASH, password)
        if row is None or not ok:
            record(
                session,
                now,
                "login_failed",
                actor="web",
                clinician_id=row.id if row else None,
            )
            return None
        record(session, now, "login", actor=f"clinician:{row.id}", clinician_id=row.id)
        return _view(row, runtime.settings.default_timezone)


def load(runtime: Runtime, clinician_id: int) -> ClinicianView | None:
    with runtime.db.session() as session:
        row = session.get(Clinician, clinician_id)
        return _view(row, runtime.settings.default_timezone) if row else None


def by_email(runtime: Runtime, email: str) -> ClinicianView | None:
    with runtime.db.session() as session:
        row = session.scalar(select(Clinician).where(Clinician.email == normalise_email(email)))
        return _view(row, runtime.settings.default_timezone) if row else None


def record_logout(runtime: Runtime, clinician_id: int) -> None:
    """Log out everywhere: the session version moves on, so every cookie issued
    before (including a copied one) no longer loads the clinician."""
    with runtime.db.session() as session:
        _end_sessions(session, clinician_id)
        record(
            session,
            runtime.clock.now(),
            "logout",
            actor=f"clinician:{clinician_id}",
            clinician_id=clinician_id,
        )


def set_password(runtime: Runtime, email: str, password: str) -> ClinicianView:
    """A new password ends every session logged in with the old one."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters")
    with runtime.db.session() as session:
        row = session.scalar(select(Clinician).where(Clinician.email == normalise_email(email)))
        if row is None:
            raise AccountError("no clinician with that email")
        row.password_hash = generate_password_hash(password)
        _end_sessions(session, row.id)
        record(session, runtime.clock.now(), "password_changed", actor="cli", clinician_id=row.id)
        return _view(row, runtime.settings.default_timezone)


def set_timezone(runtime: Runtime, clinician_id: int, zone: str) -> None:
    with runtime.db.session() as session:
        row = session.get(Clinician, clinician_id)
        if row is not None:
            row.timezone = zone
            record(
                session,
                runtime.clock.now(),
                "timezone_changed",
                actor=f"clinician:{clinician_id}",
                clinician_id=clinician_id,
                detail=zone,
            )


def _end_sessions(session: Session, clinician_id: int) -> None:
    session.execute(
        update(Clinician)
        .where(Clinician.id == clinician_id)
        .values(session_version=Clinician.session_version + 1)
    )
