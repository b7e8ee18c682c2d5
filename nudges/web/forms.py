"""The clinician forms (Flask-WTF: every one carries `csrf_token`)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from nudges.domain.conversation import TRACK_LABELS
from nudges.domain.preferences import TRACKS

TRACK_OPTIONS = [
    SelectChoice("", "Let the parent choose (asked after they say YES)"),
    *(SelectChoice(track, TRACK_LABELS[track].capitalize()) for track in TRACKS),
]
ZONE_OPTIONS = [
    SelectChoice("", "From their phone number"),
    SelectChoice("America/New_York", "Eastern"),
    SelectChoice("America/Chicago", "Central"),
    SelectChoice("America/Denver", "Mountain"),
    SelectChoice("America/Phoenix", "Arizona"),
    SelectChoice("America/Los_Angeles", "Pacific"),
    SelectChoice("America/Anchorage", "Alaska"),
    SelectChoice("Pacific/Honolulu", "Hawaii"),
]
LANGUAGE_OPTIONS = [
    SelectChoice("en", "English"),
    SelectChoice("es", "Spanish (español): every text, the invitation too"),
]
FREQUENCY_OPTIONS = [
    SelectChoice("3w", "3 a week (recommended)"),
    SelectChoice("daily", "Every day"),
]


class AccountForm(FlaskForm):
    timezone = SelectField(
        "Show times in", choices=[c for c in ZONE_OPTIONS if c.value], validators=[DataRequired()]
    )
    # Checked by nudges.domain.invite_name (length, GSM-7, no condition, no link).
    invite_name = StringField("Name in invitations", validators=[Optional(), Length(max=80)])


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class InviteForm(FlaskForm):
    phone = StringField("Client's mobile number", validators=[DataRequired(), Length(max=40)])
    alias = StringField(
        "Alias (what you call them here; no full name needed)",
        validators=[Optional(), Length(max=60)],
    )
    track = SelectField("Focus of the texts", choices=TRACK_OPTIONS, default="")
    timezone = SelectField("Time zone", choices=ZONE_OPTIONS, default="")
    send_time = StringField("Time of day (e.g. 7:30pm)", validators=[Optional(), Length(max=20)])
    frequency = SelectField("How often", choices=FREQUENCY_OPTIONS, default="3w")
    language = SelectField("Language of the texts", choices=LANGUAGE_OPTIONS, default="en")


class ActionForm(FlaskForm):
    """Buttons that change something: only the CSRF token."""


class ChangeForm(FlaskForm):
    track = SelectField("Focus", choices=TRACK_OPTIONS[1:])
    # Not sent by an older page (or a script posting focus and time): keep it.
    language = SelectField("Language", choices=LANGUAGE_OPTIONS, validate_choice=False)
    send_time = StringField("Time of day", validators=[Optional(), Length(max=20)])
