"""`nudges messages export`: an HTML catalogue a clinician can read before inviting
clients. An index page, and a page per track: what a default parent receives week
by week, then every nudge in programme order with its claim beside its evidence
(the nudge's own source, or its kind's basis). Where a track is written in both
languages, a page shows English and Spanish side by side, unit by unit, with the
sources of each; the system texts are shown the same way."""

from __future__ import annotations

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


def _rows(library: Library, nudges: list[Nudge]) -> str:
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
            f"<td class=meta>{escape(n.id)}</td></tr>"
        )
    head = (
        "<tr><th>Unit</th><th>Order</th><th>Kind</th><th>Text (the claim)</th><th>Asks</th>"
        "<th>Length</th><th>Segments</th><th>Source</th><th>Kind's basis</th><th>Id</th></tr>"
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


def export_catalogue(out_dir: Path, root: Path = ROOT) -> list[Path]:
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
                + _rows(library, nudges)
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
        f"<ul>{''.join(links)}</ul>"
    )
    index_path = out_dir / "index.html"
    index_path.write_text(_page("GoodEnough nudge library", index), encoding="utf-8")
    return [index_path, *written]


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
}


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
