"""The clinician pages: log in, invite a client, follow their clients, see and
acknowledge crisis alerts, read the audit log. Another clinician's client is 404
on every URL. Views call services and never query rows themselves."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from nudges.domain.keywords import TRACK_CHOICES
from nudges.domain.preferences import local_time_label, parse_local_time
from nudges.services import alerts, clinicians, dashboard, enrolment
from nudges.web import get_runtime
from nudges.web.extensions import ClinicianUser, failed_login, limiter, login_email_key
from nudges.web.forms import ActionForm, ChangeForm, InviteForm, LoginForm

bp = Blueprint(
    "clinician",
    __name__,
    url_prefix="/clinician",
    template_folder="templates",
    static_folder="static",
)
# Repeated failures slow logins per account and per address; successes do not count.
ACCOUNT_LIMIT = "5 per minute;20 per hour"
ADDRESS_LIMIT = "10 per minute;50 per hour"


@bp.app_template_filter("client_time")
def client_time(at: datetime, zone: str) -> str:
    """`Mon Nov 30, 9:00am Eastern`: when it happened in the client's own day (a
    nudge at 9am their time reads as 9am, not 14:00 UTC)."""
    return local_time_label(at, zone)


def _me() -> int:
    return int(current_user.view.id)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ACCOUNT_LIMIT, key_func=login_email_key, methods=["POST"], deduct_when=failed_login)
@limiter.limit(ADDRESS_LIMIT, methods=["POST"], deduct_when=failed_login)
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        view = clinicians.authenticate(
            get_runtime(current_app), form.email.data or "", form.password.data or ""
        )
        if view is not None:
            session.clear()
            session.permanent = True
            login_user(ClinicianUser(view))
            return redirect(url_for("clinician.dashboard_page"))
        return render_template(
            "login.html", form=form, error="That email and password do not match."
        ), 401
    status = 400 if request.method == "POST" else 200
    return render_template("login.html", form=form, error=None), status


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    clinicians.record_logout(get_runtime(current_app), _me())
    logout_user()
    session.clear()
    flash("You are logged out.")
    return redirect(url_for("clinician.login"))


@bp.get("/")
@login_required
def dashboard_page() -> ResponseReturnValue:
    runtime = get_runtime(current_app)
    return render_template(
        "dashboard.html",
        clients=dashboard.clients(runtime, _me()),
        chart=dashboard.weekly_chart(runtime, _me()),
        me=current_user.view,
    )


@bp.route("/clients/new", methods=["GET", "POST"])
@login_required
def new_client() -> ResponseReturnValue:
    form = InviteForm()
    error = None
    if form.validate_on_submit():
        minute = None
        if form.send_time.data:
            minute = parse_local_time(form.send_time.data)
            if minute is None:
                error = "We could not read that time. Try 7:30pm or 19:30."
        if error is None:
            invitation = enrolment.Invitation(
                phone=form.phone.data or "",
                alias=form.alias.data or "",
                track=form.track.data or None,
                timezone=form.timezone.data or None,
                send_minute=minute,
                frequency=form.frequency.data or "3w",
                lang=form.language.data or "en",
            )
            try:
                client_id = enrolment.invite(get_runtime(current_app), _me(), invitation)
            except enrolment.InviteError as exc:
                error = str(exc)
            else:
                flash("Invitation sent. Nothing more is sent until they reply YES.")
                return redirect(url_for("clinician.client_page", client_id=client_id))
    elif request.method == "POST":
        error = "Please check the form: " + "; ".join(
            f"{getattr(form, name).label.text}: {', '.join(errs)}"
            for name, errs in form.errors.items()
        )
    status = 400 if error else 200
    return render_template("new_client.html", form=form, error=error), status


@bp.get("/clients/<int:client_id>")
@login_required
def client_page(client_id: int) -> ResponseReturnValue:
    detail = dashboard.client_detail(get_runtime(current_app), _me(), client_id)
    if detail is None:
        abort(404)
    change_form = ChangeForm(track=detail.track_key)
    return render_template("client.html", c=detail, action=ActionForm(), change=change_form)


@bp.post("/clients/<int:client_id>/<any(pause, resume, end):action>")
@login_required
def client_action(client_id: int, action: str) -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if not dashboard.act(get_runtime(current_app), _me(), client_id, action):
        abort(404)
    flash({"pause": "Texts paused.", "resume": "Texts resumed.", "end": "Texts ended."}[action])
    return redirect(url_for("clinician.client_page", client_id=client_id))


@bp.post("/clients/<int:client_id>/change")
@login_required
def client_change(client_id: int) -> ResponseReturnValue:
    form = ChangeForm()
    if not form.validate_on_submit():
        abort(400)
    minute = parse_local_time(form.send_time.data) if form.send_time.data else None
    if form.send_time.data and minute is None:
        flash("We could not read that time. Try 7:30pm or 19:30.")
        return redirect(url_for("clinician.client_page", client_id=client_id))
    track = form.track.data if form.track.data in TRACK_CHOICES else None
    if not dashboard.change(
        get_runtime(current_app), _me(), client_id, track=track, send_minute=minute
    ):
        abort(404)
    flash("Saved.")
    return redirect(url_for("clinician.client_page", client_id=client_id))


@bp.post("/alerts/<int:alert_id>/acknowledge")
@login_required
def acknowledge(alert_id: int) -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    client_id = alerts.acknowledge(get_runtime(current_app), _me(), alert_id)
    if client_id is None:
        abort(404)
    flash("Alert acknowledged.")
    return redirect(url_for("clinician.client_page", client_id=client_id))


@bp.get("/audit")
@login_required
def audit_page() -> ResponseReturnValue:
    return render_template("audit.html", lines=dashboard.audit_for(get_runtime(current_app), _me()))
