"""The clinician pages: log in, invite a client, follow their clients' current
episode (the whole conversation, and its export), open and acknowledge crisis
alerts, read the audit log. Another clinician's client, and any id that is not
one of theirs, is 404 on every URL. Times are in the viewer's own zone. Views
call services and never query rows themselves."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, login_user, logout_user

from nudges.domain.keywords import TRACK_CHOICES
from nudges.domain.preferences import (
    format_minute,
    local_time_label,
    parse_local_time,
    zone_label,
)
from nudges.services import alerts, clinicians, dashboard, enrolment, outcomes
from nudges.services.conversation import to_csv
from nudges.web import get_runtime, security
from nudges.web.extensions import ClinicianUser, failed_login, limiter, login_email_key
from nudges.web.forms import (
    ZONE_OPTIONS,
    AccountForm,
    ActionForm,
    ChangeForm,
    InviteForm,
    LoginForm,
)

bp = Blueprint(
    "clinician",
    __name__,
    url_prefix="/clinician",
    template_folder="templates",
    static_folder="static",
)
security.init_blueprint(bp)
# A client id is a 32-bit integer; anything past that matches no route (404).
CLIENT = "<int(max=2147483647):client_id>"
# Wrong passwords slow logins to that account (key: the email typed), and, far
# more loosely, from one address: a clinic's clinicians share one, and guesses at
# one account must not keep the others from their crisis alerts. Only a wrong
# password counts (deduct_when): not a success, not a refused (429) attempt.
ACCOUNT_LIMIT = "5 per minute;20 per hour"
ADDRESS_LIMIT = "30 per minute;100 per hour"
ACCOUNT_WAIT = "Too many wrong passwords for this account. To keep it safe, logins to it wait"
ADDRESS_WAIT = "Too many wrong passwords from your network. Logins from it wait"


def too_many(why: str) -> Callable[[RequestLimit], Response]:
    """The limiter's answer when a limit is reached (its on_breach): a page in the
    clinic's style that says, in plain words, when to try again."""

    def page(limit: RequestLimit) -> Response:
        seconds = max(1, int(limit.reset_at - time.time()))
        minutes = -(-seconds // 60)
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        response = make_response(render_template("too_many.html", why=why, wait=wait), 429)
        response.headers["Retry-After"] = str(seconds)
        return response

    return page


@bp.app_template_filter("client_time")
def client_time(at: datetime, zone: str) -> str:
    """`Mon Nov 30, 9:00am Eastern`: when it happened in the client's own day (a
    nudge at 9am their time reads as 9am, not 14:00 UTC)."""
    return local_time_label(at, zone)


@bp.app_template_filter("viewer_time")
def viewer_time(at: datetime) -> str:
    """`Mon Nov 30, 9:00am Eastern` in the logged-in clinician's own zone."""
    return local_time_label(at, _zone())


@bp.app_template_filter("zone_name")
def zone_name(zone: str) -> str:
    return zone_label(zone)


def _zone() -> str:
    if current_user.is_authenticated:
        return str(current_user.view.timezone)
    return get_runtime(current_app).settings.default_timezone


def _me() -> int:
    return int(current_user.view.id)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    ACCOUNT_LIMIT,
    key_func=login_email_key,
    methods=["POST"],
    deduct_when=failed_login,
    on_breach=too_many(ACCOUNT_WAIT),
)
@limiter.limit(
    ADDRESS_LIMIT, methods=["POST"], deduct_when=failed_login, on_breach=too_many(ADDRESS_WAIT)
)
def login() -> ResponseReturnValue:
    form = LoginForm()
    next_page = _next_page(request.args.get("next", ""))
    if form.validate_on_submit():
        view = clinicians.authenticate(
            get_runtime(current_app), form.email.data or "", form.password.data or ""
        )
        if view is not None:
            session.clear()
            session.permanent = True
            login_user(ClinicianUser(view))
            # The page they were sent to log in for (the alert link in a text).
            return redirect(next_page or url_for("clinician.dashboard_page"))
        return render_template(
            "login.html",
            form=form,
            error="That email and password do not match.",
            next_page=next_page,
        ), 401
    status = 400 if request.method == "POST" else 200
    return render_template("login.html", form=form, error=None, next_page=next_page), status


SAFE_NEXT = re.compile(r"/clinician/[A-Za-z0-9_./-]{0,200}")


def _next_page(target: str) -> str | None:
    """A `next` that stays on the clinician pages of this site: a path only, never
    another host (`//evil.example`) or a scheme (an open redirect)."""
    if SAFE_NEXT.fullmatch(target) and "//" not in target and ".." not in target:
        return target
    return None


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
        open_alerts=alerts.open_for(runtime, _me()),
        chart=outcomes.for_clinician(runtime, _me(), _zone()),
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
                flash(_invitation_said(client_id, asked=minute))
                return redirect(url_for("clinician.client_page", client_id=client_id))
    elif request.method == "POST":
        error = "Please check the form: " + "; ".join(
            f"{getattr(form, name).label.text}: {', '.join(errs)}"
            for name, errs in form.errors.items()
        )
    status = 400 if error else 200
    return render_template("new_client.html", form=form, error=error), status


def _invitation_said(client_id: int, *, again: bool = False, asked: int | None = None) -> str:
    """ "Sent" only when it goes now: outside the send window it waits, and says
    until when. Then the time their texts will really come after YES (the one
    their welcome gives), and the time typed if the window moved it."""
    runtime = get_runtime(current_app)
    due = dashboard.queued_invitation(runtime, _me(), client_id)
    done = "queued again" if again else "queued"
    if due is not None and due[0] > runtime.clock.now():
        said = (
            f"Invitation {done}: it goes out {local_time_label(*due)}, when texting is"
            " allowed where they are. Nothing more is sent until they reply YES."
        )
    else:
        said = (
            f"Invitation sent{' again' if again else ''}."
            " Nothing more is sent until they reply YES."
        )
    promised = dashboard.promised(runtime, _me(), client_id, asked)
    if promised is None:
        return said
    typed = format_minute(asked) if asked is not None else None
    return f"{said} {time_said(promised.time, typed, promised.moved)}"


@bp.get(f"/clients/{CLIENT}")
@login_required
def client_page(client_id: int) -> ResponseReturnValue:
    detail = dashboard.client_detail(get_runtime(current_app), _me(), client_id, _zone())
    if detail is None:
        abort(404)
    change_form = ChangeForm(track=detail.track_key, language=detail.lang_key)
    return render_template(
        "client.html",
        c=detail,
        action=ActionForm(),
        change=change_form,
        viewer_zone=_zone(),
        retention=get_runtime(current_app).settings.message_retention_days,
    )


@bp.get(f"/clients/{CLIENT}/export.csv")
@login_required
def client_export(client_id: int) -> ResponseReturnValue:
    exported = dashboard.client_export(get_runtime(current_app), _me(), client_id)
    if exported is None:
        abort(404)
    zone = _zone()
    body = to_csv(exported, lambda at: at.astimezone(ZoneInfo(zone)).isoformat())
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="client-{client_id}.csv"'},
    )


@bp.get(f"/clients/{CLIENT}/end")
@login_required
def confirm_end(client_id: int) -> ResponseReturnValue:
    """End asks first: it says what ending does to this client before it is done."""
    row = dashboard.end_preview(get_runtime(current_app), _me(), client_id)
    if row is None:
        abort(404)
    if "end" not in row.actions:
        flash(f"There is nothing to end: {row.note}")
        return redirect(url_for("clinician.client_page", client_id=client_id))
    return render_template("confirm_end.html", c=row, action=ActionForm())


@bp.post(f"/clients/{CLIENT}/<any(pause, resume, end):action>")
@login_required
def client_action(client_id: int, action: str) -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    runtime = get_runtime(current_app)
    if action == "end" and request.form.get("confirm") != "yes":
        # Only the confirmation page's form ends texts: a bare POST asks first.
        if not dashboard.owns(runtime, _me(), client_id):
            abort(404)
        return redirect(url_for("clinician.confirm_end", client_id=client_id))
    result = dashboard.act(runtime, _me(), client_id, action)
    if result is None:
        abort(404)
    flash(said(result))
    return redirect(url_for("clinician.client_page", client_id=client_id))


def said(result: dashboard.ActResult) -> str:
    """What the action really did, or why it did nothing."""
    if not result.done:
        verb = {"pause": "paused", "resume": "resumed", "end": "ended"}[result.action]
        return f"Nothing was {verb}: {result.standing.note}"
    if result.cancelled:
        return (
            "Invitation cancelled: if they reply YES now, they are not signed up."
            " You can invite them again from this page."
        )
    if result.action == "resume":
        when = f"around {result.next_time}" if result.next_time else "when a time fits"
        return f"Texts resumed: the next one comes {when}."
    return {
        "pause": "Texts paused: none are sent until you or they resume them.",
        "end": (
            "Texts ended: nothing more is sent. Only the parent can restart them, by texting START."
        ),
    }[result.action]


@bp.post(f"/clients/{CLIENT}/invite-again")
@login_required
def invite_again(client_id: int) -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        invited = enrolment.invite_again(get_runtime(current_app), _me(), client_id)
    except enrolment.InviteError as exc:
        flash(f"Not invited: {exc}")
        return redirect(url_for("clinician.client_page", client_id=client_id))
    if invited is None:
        abort(404)
    flash(_invitation_said(client_id, again=True))
    return redirect(url_for("clinician.client_page", client_id=client_id))


@bp.post(f"/clients/{CLIENT}/change")
@login_required
def client_change(client_id: int) -> ResponseReturnValue:
    form = ChangeForm()
    if not form.validate_on_submit():
        abort(400)
    minute = parse_local_time(form.send_time.data) if form.send_time.data else None
    if form.send_time.data and minute is None:
        flash("Nothing changed: we could not read that time. Try 7:30pm or 19:30.")
        return redirect(url_for("clinician.client_page", client_id=client_id))
    track = form.track.data if form.track.data in TRACK_CHOICES else None
    result = dashboard.change(
        get_runtime(current_app),
        _me(),
        client_id,
        track=track,
        send_minute=minute,
        lang=form.language.data or None,
    )
    if result is None:
        abort(404)
    flash(changed(result))
    return redirect(url_for("clinician.client_page", client_id=client_id))


def changed(result: dashboard.ChangeResult) -> str:
    """The change as it really is: the time the window allows, and whether the
    parent was told."""
    if result.focus is None and result.asked_time is None and result.language is None:
        return "Nothing changed."
    parts = []
    if result.focus:
        parts.append(f"Focus is now {result.focus}.")
    if result.language:
        parts.append(f"Their texts now come in {result.language}.")
    if result.asked_time:
        parts.append(time_said(result.time, result.asked_time, result.moved))
    if result.texted:
        parts.append("They will get one text saying so.")
    elif result.why_not_texted:
        parts.append(f"They were not texted: {result.why_not_texted}.")
    return " ".join(parts)


WINDOW_WHY = "We only text inside the sending window where they live and where their number is from"


def time_said(time: str | None, asked: str | None, moved: bool) -> str:
    """The time texts will really come (what the parent is told, and when the
    scheduler sends), and the time typed when the window moved it."""
    if time is None:
        return (
            "Time saved, but no time fits the sending window where they live and where"
            " their number is from, so texts are on hold."
        )
    if moved and asked:
        return f"{WINDOW_WHY}, so texts will come around {time} (not {asked})."
    return f"Texts will come around {time}."


@bp.post("/alerts/<int(max=2147483647):alert_id>/acknowledge")
@login_required
def acknowledge(alert_id: int) -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    client_id = alerts.acknowledge(get_runtime(current_app), _me(), alert_id)
    if client_id is None:
        abort(404)
    flash("Alert acknowledged.")
    if not dashboard.owns(get_runtime(current_app), _me(), client_id):
        return redirect(url_for("clinician.dashboard_page"))  # since invited by someone else
    return redirect(url_for("clinician.client_page", client_id=client_id))


@bp.get("/alerts/<token>")
@login_required
def alert_page(token: str) -> ResponseReturnValue:
    detail = alerts.alert_detail(get_runtime(current_app), _me(), token)
    if detail is None:
        abort(404)
    return render_template("alert.html", a=detail, action=ActionForm())


@bp.post("/alerts/<token>/number")
@login_required
def reveal_number(token: str) -> ResponseReturnValue:
    """The full number, with a tel: link, after an explicit and audited request.
    Rendered into this response only: never in a URL, a cookie or the session."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    detail = alerts.alert_detail(get_runtime(current_app), _me(), token, reveal=True)
    if detail is None:
        abort(404)
    return render_template("alert.html", a=detail, action=ActionForm())


@bp.get("/audit")
@login_required
def audit_page() -> ResponseReturnValue:
    runtime = get_runtime(current_app)
    action = request.args.get("action", "")[:64] or None
    views = request.args.get("views") == "1"
    return render_template(
        "audit.html",
        lines=dashboard.audit_for(runtime, _me(), action=action, views=views),
        actions=dashboard.audit_actions(runtime, _me()),
        chosen=action or "",
        views=views,
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    """The clinician's own settings: the zone their pages show times in, and how
    invitation texts name them."""
    view = current_user.view
    form = AccountForm(timezone=view.timezone, invite_name=view.invite_name or "")
    if form.validate_on_submit() and _invite_name_saved(form):
        clinicians.set_timezone(get_runtime(current_app), _me(), form.timezone.data or "")
        flash(
            "Times now show in " + dict(ZONE_OPTIONS_BY_VALUE)[form.timezone.data or ""] + " time."
        )
        return redirect(url_for("clinician.account"))
    status = 400 if request.method == "POST" else 200
    return render_template("account.html", form=form), status


def _invite_name_saved(form: AccountForm) -> bool:
    """Save the name invitations give (when the form sent one); a name that
    cannot go in a text is an error on the field, and nothing is saved."""
    if "invite_name" not in request.form:
        return True
    try:
        clinicians.set_invite_name(get_runtime(current_app), _me(), form.invite_name.data or "")
    except clinicians.AccountError as exc:
        form.invite_name.errors = [str(exc).removeprefix("invite name: ")]
        return False
    return True


ZONE_OPTIONS_BY_VALUE = [(choice.value, choice.label) for choice in ZONE_OPTIONS if choice.value]
