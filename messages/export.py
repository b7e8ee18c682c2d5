"""`nudges messages export`: an HTML catalogue a clinician can read before inviting
clients. An index page, and a page per track: what a default parent receives week
by week, then every nudge in programme order with its claim beside its evidence
(the nudge's own source, or its kind's basis). Where a track is written in both
languages, a page shows English and Spanish side by side, unit by unit, with the
sources of each; the system texts are shown the same way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from itertools import zip_longest
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


# What a default parent receives, as the scheduler sends it: texts on Monday,
# Wednesday and Friday, and the weekly check-in question (a system text that names
# 988) in place of a nudge, first in the first slot at least 6 local days after the
# YES, then every 7 days while the track lasts (nudges/domain/checkin.py). Shown
# for a parent who says YES on a Sunday: 3 nudges in the first week, then the
# check-in on Monday and 2 nudges each week. Elsewhere in the week the first
# check-in can come sooner (the 3rd text, not the 4th): see RECEIVED_NOTE.
# tests/scheduler/test_weeks_received.py holds all of this to the scheduler.
FIRST_WEEK_NUDGES = 3
NUDGES_PER_WEEK = 2  # beside the check-in
DAILY_NUDGES_PER_WEEK = 6  # beside the check-in
CHECKIN_LABEL = "the weekly check-in"
RECEIVED_NOTE = (
    "The first check-in comes in the first slot at least 6 days after the parent's "
    "YES, then every 7 days (local days), while the track lasts, and never before "
    "their first nudge (a parent who paused before any came gets a nudge first when "
    "the texts start again): the table is for a "
    "parent who says YES on a Sunday. One who says YES on a Tuesday, Thursday or "
    "Saturday, or on a Monday, Wednesday or Friday after their send time, gets it "
    "as their 3rd text, not their 4th. It takes that slot's nudge, which comes next "
    "time, so never an extra text and never two on a day."
)


@dataclass(frozen=True)
class Week:
    """One calendar week of a default parent's texts, from their first Monday."""

    checkin: bool  # the week opens with the check-in question (Monday's slot)
    nudges: list[Nudge]


def weeks_received(nudges: list[Nudge]) -> list[Week]:
    """The track cut into the calendar weeks a default parent receives it in."""
    weeks = [Week(False, nudges[:FIRST_WEEK_NUDGES])]
    for i in range(FIRST_WEEK_NUDGES, len(nudges), NUDGES_PER_WEEK):
        weeks.append(Week(True, nudges[i : i + NUDGES_PER_WEEK]))
    return weeks


def received_table(nudges: list[Nudge], weeks: int) -> str:
    """The first `weeks` of `weeks_received` as the Markdown table in README.md."""
    lines = ["| week | texts |", "|---|---|"]
    for number, week in enumerate(weeks_received(nudges)[:weeks], 1):
        cells = [CHECKIN_LABEL] if week.checkin else []
        cells += [f'"{n.text}" ({n.kind}{", asks" if n.asks else ""})' for n in week.nudges]
        for i, cell in enumerate(cells):
            lines.append(f"| {number if i == 0 else ' '} | {cell} |")
    return "\n".join(lines) + "\n"


def _received(nudges: list[Nudge]) -> str:
    checkin = "<li><em>The weekly check-in: how has the week been, 1 to 5 (names 988).</em></li>"
    rows = []
    for number, week in enumerate(weeks_received(nudges), 1):
        texts = "".join(
            f"<li>{escape(n.text)} <span class=meta>({escape(n.id)}, {escape(n.kind)})</span></li>"
            for n in week.nudges
        )
        rows.append(
            f"<tr><td>{number}</td><td><ol>{checkin if week.checkin else ''}{texts}</ol></td></tr>"
        )
    daily_weeks = -(-len(nudges) // DAILY_NUDGES_PER_WEEK)
    return (
        "<h2>What a default parent receives, week by week</h2>"
        f"<p class=meta>At 3 texts a week: {FIRST_WEEK_NUDGES} nudges of the track in the "
        f"first week, then each week the weekly check-in question in place of one and "
        f"{NUDGES_PER_WEEK} nudges, in order. The track lasts {len(weeks_received(nudges))} "
        f"weeks this way ({daily_weeks} weeks for a daily parent: six nudges and the check-in). "
        f"Then the caring check-ins, about once a month. {escape(RECEIVED_NOTE)}</p>"
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
    for track in [*library.tracks, "checkin"]:
        pair = _side_by_side_page(library, track, out_dir)
        if pair is not None:
            written.append(pair)
            title = library.track_titles.get(track, track)
            links.append(
                f'<li><a href="{pair.name}">{escape(title)}</a> (English and Spanish '
                "side by side)</li>"
            )
    if library.moments:
        moments_path = _moments_page(library, out_dir)
        written.append(moments_path)
        links.append(
            f'<li><a href="{moments_path.name}">Texts for hard moments</a> (SORRY, CALM, '
            "BEDTIME, NIGHT and the Spanish twins, each beside its evidence)</li>"
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


def _in_language(library: Library, track: str, lang: str) -> list[Nudge]:
    if track == "checkin":
        return library.checkins(lang)
    return _track_or_empty(library, track, lang)


def _side_by_side_page(library: Library, track: str, out_dir: Path) -> Path | None:
    """English and Spanish beside each other, unit by unit, each with its kind
    and sources: a bilingual reviewer checks that both say the same thing on the
    same evidence. None when the track is not written in both languages."""
    english, spanish = _in_language(library, track, "en"), _in_language(library, track, "es")
    if not english or not spanish:
        return None
    units = sorted({n.week for n in english} | {n.week for n in spanish})
    rows = []
    for unit in units:
        pairs = zip_longest(
            [n for n in english if n.week == unit], [n for n in spanish if n.week == unit]
        )
        label = f"Unit {unit}" if unit else "Check-ins"
        rows.append(f'<tr><th colspan="3">{label}</th></tr>')
        for position, (en, es) in enumerate(pairs, 1):
            rows.append(
                f"<tr><td>{position}</td>{_pair_cell(library, track, en)}"
                f"{_pair_cell(library, track, es)}</tr>"
            )
    title = library.track_titles.get(track, track)
    body = (
        f'<p><a href="index.html">All tracks</a></p><h1>{escape(title)}: English and '
        "Spanish</h1><p class=meta>The Spanish texts are written in Spanish on the same "
        "evidence, not translated word for word, in GSM-7 Spanish (messages/SPANISH.md). "
        "Each column is in the order that language's parents receive it.</p>"
        "<table><tr><th>#</th><th>English</th><th>Español</th></tr>"
        f"{''.join(rows)}</table>"
    )
    path = out_dir / f"{track}.en-es.html"
    path.write_text(_page(f"{title}: English and Spanish", body), encoding="utf-8")
    return path


def _pair_cell(library: Library, track: str, nudge: Nudge | None) -> str:
    if nudge is None:
        return "<td>-</td>"
    _whose, keys = library.evidence(nudge)
    theme = f"<em>{escape(nudge.theme)}</em><br>" if nudge.theme else ""
    link = f'<a href="{escape(track)}.{escape(nudge.lang)}.html#{escape(nudge.id)}">'
    return (
        f'<td class=text lang="{escape(nudge.lang)}">{theme}{escape(nudge.text)}'
        f"<br><span class=meta>{escape(nudge.kind)}; {_cite(library, keys) or '-'}; "
        f"{link}{escape(nudge.id)}</a></span></td>"
    )


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
    "msg_frequency": "up to 3 msgs/wk",
    "inviter": "Dr. Rivera",
}


# The same example as a Spanish reply says it (the service fills Spanish fields
# with their article: nudges/domain/language.py).
EXAMPLE_FIELDS_ES = {
    **EXAMPLE_FIELDS,
    "time": "las 7:30pm (hora del Este)",
    "until": "el lunes 7 de diciembre",
    "zone": "la hora del Este",
    "frequency": "3 veces por semana",
    "focus": "la culpa de madres y padres",
    "msg_frequency": "hasta 3 por semana",
}


def _moments_page(library: Library, out_dir: Path) -> Path:
    """The hard-moment bank, by language and moment, in the order texts are sent."""
    rows = []
    for text in sorted(library.moments, key=lambda t: (t.lang, t.moment)):
        whose, keys = library.evidence(text)
        cites = _cite(library, keys)
        if whose == "kind" and cites:
            cites = f"<em>Basis for a {escape(text.kind)}:</em> {cites}"
        rows.append(
            f'<tr id="{escape(text.id)}"><td>{escape(text.lang)}</td>'
            f"<td>{escape(text.moment)}</td><td>{escape(text.kind)}</td>"
            f"<td class=text>{escape(text.text)}</td><td>{gsm7_length(text.text)}</td>"
            f"<td class=meta>{cites or '-'}</td><td class=meta>{escape(text.id)}</td></tr>"
        )
    head = (
        "<tr><th>Lang</th><th>Moment</th><th>Kind</th><th>Text (the claim)</th>"
        "<th>Length</th><th>Source</th><th>Id</th></tr>"
    )
    body = (
        '<p><a href="index.html">All tracks</a></p><h1>Texts for hard moments</h1>'
        "<p class=meta>Sent one at a time when a parent texts the keyword, in this order; "
        "none again until the others of its moment were sent.</p>"
        f"<table>{head}{''.join(rows)}</table>"
    )
    path = out_dir / "moments.html"
    path.write_text(_page("Texts for hard moments", body), encoding="utf-8")
    return path


def _system_page(library: Library, out_dir: Path) -> Path:
    """Every system text, one row a key, each language beside the other, with the
    default settings filled in."""
    langs = sorted(library.system, key=lambda lang: (lang != "en", lang))  # English first
    keys = list(dict.fromkeys(key for lang in langs for key in library.system[lang]))
    rows = []
    for key in keys:
        cells = []
        for lang in langs:
            template = library.system[lang].get(key)
            if template is None:
                cells.append(f'<td class=text id="{escape(lang)}-{escape(key)}">-</td><td></td>')
                continue
            fields = EXAMPLE_FIELDS_ES if lang == "es" else EXAMPLE_FIELDS
            text = template.format_map(_Example(fields))
            cells.append(
                f'<td class=text lang="{escape(lang)}" id="{escape(lang)}-{escape(key)}">'
                f"{escape(text)}</td><td>{gsm7_length(text)} / {segments(text)}</td>"
            )
        rows.append(f"<tr><td>{escape(key)}</td>{''.join(cells)}</tr>")
    names = {"en": "English", "es": "Español"}
    head = (
        "<tr><th>Key</th>"
        + "".join(
            f"<th>{escape(names.get(lang, lang))}</th><th>Length / segments</th>" for lang in langs
        )
        + "</tr>"
    )
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


class _Example(dict[str, str]):
    """Example fields; a field added later shows as its own name."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
