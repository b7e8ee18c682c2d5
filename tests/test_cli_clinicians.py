"""`nudges clinician add` and `nudges enroll`, as an operator uses them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from nudges.cli import main
from nudges.config import load_settings
from nudges.db.models import Clinician, Outbox, Subscriber
from nudges.db.session import Database

PASSWORD = "correct horse battery\n"


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "k"}


def count(env: dict[str, str], model: object) -> int:
    db = Database(load_settings(env).database_url)
    try:
        with db.session() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[arg-type]
    finally:
        db.dispose()


def add_lee(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        main,
        ["clinician", "add", "Dr.Lee@Example.org", "--phone", "(312) 555-0100"],
        input=PASSWORD,
        env=env,
    )
    assert result.exit_code == 0, result.output


def test_clinician_add_reads_the_password_from_standard_input(env: dict[str, str]) -> None:
    add_lee(env)
    assert count(env, Clinician) == 1
    db = Database(load_settings(env).database_url)
    with db.session() as session:
        lee = session.scalar(select(Clinician))
        assert lee is not None and lee.email == "dr.lee@example.org"
        assert lee.phone == "+13125550100"
        assert "correct horse" not in lee.password_hash and lee.password_hash.startswith("scrypt")
    db.dispose()


@pytest.mark.parametrize(
    ("args", "password", "says"),
    [
        (["clinician", "add", "a@example.org"], "short\n", "at least 12 characters"),
        (["clinician", "add", "not-an-email"], PASSWORD, "email"),
        (["clinician", "add", "a@example.org", "--phone", "12"], PASSWORD, "phone number"),
    ],
)
def test_clinician_add_refuses_bad_input_plainly(
    env: dict[str, str], args: list[str], password: str, says: str
) -> None:
    result = CliRunner().invoke(main, args, input=password, env=env)
    assert result.exit_code == 2 and says in result.output
    assert count(env, Clinician) == 0


def test_enroll_one_number_queues_one_invitation(env: dict[str, str]) -> None:
    add_lee(env)
    runner = CliRunner()
    ok = runner.invoke(
        main,
        [
            "enroll",
            "404-555-0123",
            "--clinician",
            "dr.lee@example.org",
            "--alias",
            "A",
            "--track",
            "guilt",
        ],
        env=env,
    )
    assert ok.exit_code == 0 and "invited" in ok.output
    again = runner.invoke(
        main, ["enroll", "(404) 555-0123", "--clinician", "dr.lee@example.org"], env=env
    )
    assert again.exit_code == 1 and "already invited" in again.output
    assert count(env, Outbox) == 1
    unknown = runner.invoke(
        main, ["enroll", "404-555-0199", "--clinician", "who@example.org"], env=env
    )
    assert unknown.exit_code == 2 and "no clinician" in unknown.output


def test_a_csv_with_one_bad_row_imports_nothing_and_names_the_row(
    env: dict[str, str], tmp_path: Path
) -> None:
    add_lee(env)
    csv = tmp_path / "clients.csv"
    csv.write_text("phone,alias,track\n404-555-0124,A,guilt\n555-01,B,\n(404) 555-0125,C,\n")
    runner = CliRunner()
    refused = runner.invoke(
        main, ["enroll", "--csv", str(csv), "--clinician", "dr.lee@example.org"], env=env
    )
    assert refused.exit_code == 1
    assert "row 3:" in refused.output and "nothing imported" in refused.output
    assert count(env, Subscriber) == 0 and count(env, Outbox) == 0
    skipped = runner.invoke(
        main,
        ["enroll", "--csv", str(csv), "--clinician", "dr.lee@example.org", "--skip-invalid"],
        env=env,
    )
    assert skipped.exit_code == 0 and "invited 2; skipped 1" in skipped.output
    assert count(env, Outbox) == 2


def test_a_csv_with_a_duplicate_row_says_which(env: dict[str, str], tmp_path: Path) -> None:
    add_lee(env)
    csv = tmp_path / "clients.csv"
    csv.write_text("404-555-0124\n404.555.0124\n")
    result = CliRunner().invoke(
        main, ["enroll", "--csv", str(csv), "--clinician", "dr.lee@example.org"], env=env
    )
    assert result.exit_code == 1 and "row 2: the same number as row 1" in result.output


@pytest.mark.parametrize(
    "content",
    [
        "\ufeffname,mobile,focus\r\nT.,(404) 555-0131,work and family\r\n",
        "Phone;Alias;Track\n404-555-0131;T.;3\n",
        "phone\talias\ttrack\n4045550131\tT.\trole_strain\n",
    ],
)
def test_a_csv_is_read_by_its_header_whatever_the_spreadsheet_wrote(
    content: str,
) -> None:
    from nudges.domain.phone import parse_phone
    from nudges.services.enrolment import read_csv

    [(row, invitation)] = read_csv(content)
    assert row == 2
    assert parse_phone(invitation.phone) == "+14045550131"
    assert (invitation.alias, invitation.track) == ("T.", "role_strain")


def test_a_csv_with_an_unknown_focus_names_the_row_and_imports_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    add_lee(env)
    csv = tmp_path / "clients.csv"
    csv.write_text("phone,track\n404-555-0124,nonsense\n")
    result = CliRunner().invoke(
        main, ["enroll", "--csv", str(csv), "--clinician", "dr.lee@example.org"], env=env
    )
    assert result.exit_code == 1
    assert "row 2: unknown focus 'nonsense'" in result.output


def test_clinician_add_takes_the_name_invitations_give(env: dict[str, str]) -> None:
    runner = CliRunner()
    added = runner.invoke(
        main,
        ["clinician", "add", "rivera@example.org", "--invite-name", "Dr. Rivera"],
        input=PASSWORD,
        env=env,
    )
    assert added.exit_code == 0 and 'invitations name "Dr. Rivera"' in added.output
    runner.invoke(main, ["enroll", "404-555-0123", "--clinician", "rivera@example.org"], env=env)
    db = Database(load_settings(env).database_url)
    with db.session() as session:
        body = session.scalar(select(Outbox.body))
    db.dispose()
    assert body is not None and "Dr. Rivera invited you" in body
    refused = runner.invoke(
        main,
        ["clinician", "add", "a@example.org", "--invite-name", "Anxiety Clinic"],
        input=PASSWORD,
        env=env,
    )
    assert refused.exit_code == 2 and "health conditions" in refused.output


def test_clinician_password_sets_a_new_one_and_refuses_plainly(env: dict[str, str]) -> None:
    add_lee(env)
    runner = CliRunner()
    changed = runner.invoke(
        main,
        ["clinician", "password", "dr.lee@example.org"],
        input="a new long passphrase\n",
        env=env,
    )
    assert changed.exit_code == 0 and "sessions are logged out" in changed.output
    db = Database(load_settings(env).database_url)
    try:
        with db.session() as session:
            lee = session.scalar(select(Clinician))
            assert lee is not None and lee.session_version == 1
            assert check_password_hash(lee.password_hash, "a new long passphrase")
    finally:
        db.dispose()
    short = runner.invoke(
        main, ["clinician", "password", "dr.lee@example.org"], input="short\n", env=env
    )
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    nobody = runner.invoke(
        main, ["clinician", "password", "nobody@example.org"], input=PASSWORD, env=env
    )
    assert nobody.exit_code == 2 and "no clinician with that email" in nobody.output
