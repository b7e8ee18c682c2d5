"""`nudges messages export`: an HTML catalogue a clinician can read before inviting
clients. An index page, and a page per track with every nudge in programme order."""

from __future__ import annotations

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


def _rows(library: Library, nudges: list[Nudge]) -> str:
    rows = []
    for n in nudges:
        cites = "; ".join(
            escape(library.sources[k].citation) if k in library.sources else escape(k)
            for k in n.sources
        )
        rows.append(
            f'<tr id="{escape(n.id)}"><td>{n.week}</td><td>{escape(n.day.title())}</td>'
            f"<td>{escape(n.kind)}</td><td class=text>{escape(n.text)}</td>"
            f"<td>{gsm7_length(n.text)}</td><td>{segments(n.text)}</td>"
            f"<td class=meta>{cites or '-'}</td><td class=meta>{escape(n.id)}</td></tr>"
        )
    head = (
        "<tr><th>Week</th><th>Day</th><th>Kind</th><th>Text</th><th>Length</th>"
        "<th>Segments</th><th>Source</th><th>Id</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


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
            body = (
                f'<p><a href="index.html">All tracks</a></p><h1>{escape(title)}</h1>'
                f"<p class=meta>Language: {escape(lang)}. {len(nudges)} texts. "
                "Subscribers on 3 a week get the Monday, Wednesday and Friday texts; "
                "daily subscribers get all seven.</p>" + _rows(library, nudges)
            )
            path = out_dir / name
            path.write_text(_page(title, body), encoding="utf-8")
            written.append(path)
            links.append(
                f'<li><a href="{name}">{escape(title)}</a> ({lang}, {len(nudges)} texts)</li>'
            )
    index = (
        "<h1>GoodEnough nudge library</h1><p>Every text parents can receive, in programme "
        "order, with its evidence. All texts are plain GSM-7, one SMS segment each.</p>"
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
