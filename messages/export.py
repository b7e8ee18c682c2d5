"""`nudges messages export`: an HTML catalogue a clinician can read before inviting
clients. An index page, and a page per track: what a default parent receives week
by week, then every nudge in programme order with its claim beside its evidence
(the nudge's own source, or its kind's basis)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from messages.gsm import gsm7_length, segments
from messages.library import ROOT, Library, Nudge

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f4f6f8; }
td.text { min-width: 20rem; font-size: 1.05rem; }
td.meta { font-size: .8rem; }
.meta { color: #555; font-size: .9rem; }
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _cite(library: Library, keys: tuple[str, ...]) -> str:
    return "; ".join(
        escape(library.sources[k].citation) if k in library.sources else escape(k) for k in keys
    )


@dataclass(frozen=True)
class Figures:
    """What one text led to, from the service's database (`nudges messages stats`):
    passed in by the caller, since this package imports nothing of the service."""

    sent: int
    replies: int  # texts from the parent within 48 hours that did not opt out
    opt_outs: int  # opt-outs within 48 hours of it


def _figures(figures: Mapping[str, Figures] | None, nudge_id: str) -> str:
    if figures is None:
        return ""
    f = figures.get(nudge_id, Figures(0, 0, 0))
    return f"<td>{f.sent}</td><td>{f.replies}</td><td>{f.opt_outs}</td>"


FIGURES_HEAD = "<th>Sent</th><th>Replies</th><th>Opt-outs</th>"


def _rows(
    library: Library, nudges: list[Nudge], figures: Mapping[str, Figures] | None = None
) -> str:
    rows = []
    for n in nudges:
        whose, keys = library.evidence(n)
        cites = _cite(library, keys)
        if whose == "kind" and cites:
            cites = f"<em>Basis for a {escape(n.kind)}:</em> {cites}"
        basis = escape(library.kind_basis.get(n.kind, ("", ()))[0])
        theme = f"<br><em>Theme: {escape(n.theme)}</em>" if n.theme else ""
        rows.append(
            f'<tr id="{escape(n.id)}"><td>{n.week or "-"}</td><td>{n.position + 1}</td>'
            f"<td>{escape(n.kind)}{theme}</td><td class=text>{escape(n.text)}</td>"
            f"<td>{'yes' if n.asks else ''}</td>"
            f"<td>{gsm7_length(n.text)}</td><td>{segments(n.text)}</td>"
            f"<td class=meta>{cites or '-'}</td><td class=meta>{basis or '-'}</td>"
            f"<td class=meta>{escape(n.id)}</td>{_figures(figures, n.id)}</tr>"
        )
    head = (
        "<tr><th>Unit</th><th>Order</th><th>Kind</th><th>Text (the claim)</th><th>Asks</th>"
        "<th>Length</th><th>Segments</th><th>Source</th><th>Kind's basis</th><th>Id</th>"
        f"{FIGURES_HEAD if figures is not None else ''}</tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


# A default parent gets 3 texts a week: the weekly check-in question (a system text
# that names 988) in place of one nudge, so 2 track nudges a week.
DEFAULT_NUDGES_PER_WEEK = 2
DAILY_NUDGES_PER_WEEK = 6


def weeks_received(
    nudges: list[Nudge], per_week: int = DEFAULT_NUDGES_PER_WEEK
) -> list[list[Nudge]]:
    """The track cut into the calendar weeks a parent receives it in."""
    return [nudges[i : i + per_week] for i in range(0, len(nudges), per_week)]


def _received(nudges: list[Nudge]) -> str:
    rows = []
    for week, chunk in enumerate(weeks_received(nudges), 1):
        texts = "".join(
            f"<li>{escape(n.text)} <span class=meta>({escape(n.id)}, {escape(n.kind)})</span></li>"
            for n in chunk
        )
        rows.append(
            f"<tr><td>{week}</td><td><ol>{texts}<li><em>The weekly check-in: how has the "
            "week been, 1 to 5 (names 988).</em></li></ol></td></tr>"
        )
    daily_weeks = len(weeks_received(nudges, DAILY_NUDGES_PER_WEEK))
    return (
        "<h2>What a default parent receives, week by week</h2>"
        f"<p class=meta>At 3 texts a week: two nudges of the track, in order, and the weekly "
        f"check-in question in place of the third. The track lasts {len(weeks_received(nudges))} "
        f"weeks this way ({daily_weeks} weeks for a daily parent: six nudges and the check-in). "
        "Then the caring check-ins, about once a month.</p>"
        f"<table><tr><th>Week</th><th>Texts</th></tr>{''.join(rows)}</table>"
    )


def export_catalogue(
    out_dir: Path, root: Path = ROOT, figures: Mapping[str, Figures] | None = None
) -> list[Path]:
    """Write the catalogue; with `figures` (by text id), every text shows how
    often it was sent, answered and followed by an opt-out."""
    library = Library.load(root)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    links = []
    langs = sorted({n.lang for n in library.nudges})
    for lang in langs:
        for track in library.tracks + ["checkin"]:
            nudges = (
                library.checkins(lang)
                if track == "checkin"
                else _track_or_empty(library, track, lang)
            )
            if not nudges:
                continue
            title = library.track_titles.get(track, track)
            name = f"{track}.{lang}.html"
            order = (
                "Sent in this order at every cadence, one after another."
                if track != "checkin"
                else "Sent after the track, about once a month, in this order."
            )
            body = (
                f'<p><a href="index.html">All tracks</a></p><h1>{escape(title)}</h1>'
                f"<p class=meta>Language: {escape(lang)}. {len(nudges)} texts. {order}</p>"
                + (_received(nudges) if track != "checkin" else "")
                + "<h2>Every text beside its evidence</h2>"
                + _rows(library, nudges, figures)
            )
            path = out_dir / name
            path.write_text(_page(title, body), encoding="utf-8")
            written.append(path)
            links.append(
                f'<li><a href="{name}">{escape(title)}</a> ({lang}, {len(nudges)} texts)</li>'
            )
    system_path = _system_page(library, out_dir)
    written.append(system_path)
    links.append(
        f'<li><a href="{system_path.name}">System texts</a> (HELP, crisis, STOP, welcome and '
        "every other reply the service sends)</li>"
    )
    index = (
        "<h1>GoodEnough nudge library</h1><p>Every text parents can receive: the nudges in "
        "programme order with their evidence (GSM-7, one SMS segment each), and the "
        "service's own replies (GSM-7, at most two segments).</p>"
        f"<ul>{''.join(links)}</ul>" + _checkin_figures(figures)
    )
    index_path = out_dir / "index.html"
    index_path.write_text(_page("GoodEnough nudge library", index), encoding="utf-8")
    return [index_path, *written]


def _checkin_figures(figures: Mapping[str, Figures] | None) -> str:
    """The weekly check-in question's own figures (a system text, in no track)."""
    if figures is None:
        return ""
    f = figures.get("checkin", Figures(0, 0, 0))
    return (
        "<h2>Figures</h2><p>Sent, replies and opt-outs are counted for the text sent to "
        "that number in the 48 hours before each reply or opt-out. The weekly check-in "
        f"question: sent {f.sent}, replies {f.replies}, opt-outs {f.opt_outs}.</p>"
    )


def _track_or_empty(library: Library, track: str, lang: str) -> list[Nudge]:
    try:
        return library.track(track, lang)
    except KeyError:
        return []


EXAMPLE_FIELDS = {
    "program": "GoodEnough",
    "support": "help@goodenough.example",
    "time": "7:30pm Eastern",
    "until": "Mon Dec 7",
    "window": "9:00am-8:00pm",
    "zone": "Eastern",
    "frequency": "3 times a week",
    "client": "client #12",
    "focus": "parent guilt",
}


def _system_page(library: Library, out_dir: Path) -> Path:
    """Every system text in every language, with the default settings filled in."""
    rows = []
    for lang in sorted(library.system):
        for key, template in library.system[lang].items():
            text = template.format(**EXAMPLE_FIELDS)
            rows.append(
                f'<tr id="{escape(lang)}-{escape(key)}"><td>{escape(key)}</td>'
                f"<td>{escape(lang)}</td><td class=text>{escape(text)}</td>"
                f"<td>{gsm7_length(text)}</td><td>{segments(text)}</td></tr>"
            )
    head = "<tr><th>Key</th><th>Lang</th><th>Text</th><th>Length</th><th>Segments</th></tr>"
    body = (
        '<p><a href="index.html">All tracks</a></p><h1>System texts</h1>'
        "<p class=meta>The service's replies, shown with the default PROGRAM_NAME and "
        "SUPPORT_CONTACT. Twilio's Advanced Opt-Out, where on, sends its own help, stop and "
        "welcome texts (the README gives them).</p>"
        f"<table>{head}{''.join(rows)}</table>"
    )
    path = out_dir / "system.html"
    path.write_text(_page("System texts", body), encoding="utf-8")
    return path
