"""Loading the library: system texts and nudge tracks from TOML files.

Each file names its language, so Spanish (or any) tracks can sit beside the
English ones. `load_library()` reads the package's own files once;
`Library.load(root)` reads any folder (the validator's tests use small bad ones).

A track is one ordered sequence: the order of its file is the order every parent
receives it in, whatever their cadence (3 a week or daily). `week` groups the
nudges into the track's units of seven; the first nudge of a unit carries the
unit's `theme`. `asks = true` marks a text that asks a question a parent may
answer by text.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).parent


class LibraryError(ValueError):
    """A library file cannot be read; the message names the file."""


@dataclass(frozen=True)
class Source:
    key: str
    citation: str
    url: str = ""


@dataclass(frozen=True)
class Nudge:
    id: str
    track: str
    lang: str
    week: int
    kind: str
    text: str
    sources: tuple[str, ...] = ()
    file: str = ""
    asks: bool = False  # the text asks a question the parent may answer by text
    theme: str = ""  # set on the first nudge of a unit: the unit's theme, named in its text
    position: int = 0  # place in its file: the order parents receive the track in


@dataclass(frozen=True)
class MomentText:
    """One text for a hard moment (SORRY, CALM, BEDTIME, NIGHT), sent on request."""

    id: str
    moment: str  # "sorry", "calm", "bedtime" or "night"
    lang: str
    kind: str
    text: str
    sources: tuple[str, ...] = ()
    file: str = ""


@dataclass
class Library:
    system: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> key -> text
    system_files: dict[str, str] = field(default_factory=dict)  # lang -> file
    nudges: list[Nudge] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    track_titles: dict[str, str] = field(default_factory=dict)
    # kind -> (basis in words, source keys): the evidence a nudge rests on when it
    # cites no source of its own.
    kind_basis: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    moments: list[MomentText] = field(default_factory=list)  # in bank order

    def evidence(self, nudge: Nudge | MomentText) -> tuple[str, tuple[str, ...]]:
        """("own", keys) for a nudge's own sources, else ("kind", its kind's keys)."""
        if nudge.sources:
            return "own", nudge.sources
        return "kind", self.kind_basis.get(nudge.kind, ("", ()))[1]

    def moment_bank(self) -> dict[str, tuple[str, ...]]:
        """ "sorry:en" -> the ids of that moment's texts in that language, in bank order."""
        bank: dict[str, list[str]] = {}
        for text in self.moments:
            bank.setdefault(f"{text.moment}:{text.lang}", []).append(text.id)
        return {key: tuple(ids) for key, ids in bank.items()}

    def moment_text(self, text_id: str) -> str:
        for text in self.moments:
            if text.id == text_id:
                return text.text
        raise KeyError(f"no moment text {text_id!r}")

    @property
    def tracks(self) -> list[str]:
        return sorted({n.track for n in self.nudges if n.track != "checkin"})

    def track(self, name: str, lang: str = "en") -> list[Nudge]:
        """The track's nudges in programme order: the order of its file."""
        chosen = [n for n in self.nudges if n.track == name and n.lang == lang]
        if not chosen:
            raise KeyError(f"no track {name!r} in language {lang!r}")
        return sorted(chosen, key=lambda n: n.position)

    def units(self, name: str, lang: str = "en") -> list[list[Nudge]]:
        """The track cut into its units (weeks of the track), in order."""
        grouped: dict[int, list[Nudge]] = {}
        for nudge in self.track(name, lang):
            grouped.setdefault(nudge.week, []).append(nudge)
        return [grouped[week] for week in sorted(grouped)]

    def checkins(self, lang: str = "en") -> list[Nudge]:
        """Caring check-ins for after the programme, in file order."""
        return [n for n in self.nudges if n.track == "checkin" and n.lang == lang]

    def nudge(self, nudge_id: str) -> Nudge:
        for candidate in self.nudges:
            if candidate.id == nudge_id:
                return candidate
        raise KeyError(nudge_id)

    def system_text(self, key: str, lang: str = "en", **fields: str) -> str:
        texts = self.system.get(lang) or self.system["en"]
        if key not in texts:
            texts = self.system["en"]  # a text not yet translated goes out in English
        if key not in texts:
            raise KeyError(f"no system text {key!r} for language {lang!r}")
        try:
            return texts[key].format(**fields)
        except KeyError as exc:
            raise KeyError(f"system text {key!r} needs the field {exc.args[0]!r}") from None

    @classmethod
    def load(cls, root: Path) -> Library:
        library = cls()
        for path in sorted((root / "system").glob("*.toml")):
            data = _read(path)
            lang = str(data.get("lang", ""))
            texts = data.get("texts")
            if not lang or not isinstance(texts, dict):
                raise LibraryError(f"{path.name}: needs lang and a [texts] table")
            library.system[lang] = {str(k): str(v) for k, v in texts.items()}
            library.system_files[lang] = path.name
        kinds_path = root / "kinds.toml"
        if kinds_path.exists():
            for kind, entry in _read(kinds_path).items():
                library.kind_basis[kind] = (
                    str(entry.get("basis", "")),
                    tuple(str(k) for k in entry.get("sources", ())),
                )
        sources_path = root / "sources.toml"
        if sources_path.exists():
            for key, entry in _read(sources_path).items():
                library.sources[key] = Source(
                    key=key, citation=str(entry["citation"]), url=str(entry.get("url", ""))
                )
        for path in sorted(root.glob("moments.*.toml")):
            library.moments += _moments(path)
        for path in sorted((root / "tracks").glob("*.toml")):
            data = _read(path)
            track, lang = str(data.get("track", "")), str(data.get("lang", ""))
            if not track or not lang:
                raise LibraryError(f"{path.name}: needs track and lang")
            if lang == "en" or track not in library.track_titles:  # titles are the English ones
                library.track_titles[track] = str(data.get("title", track))
            for position, entry in enumerate(data.get("nudge", [])):
                try:
                    library.nudges.append(
                        Nudge(
                            id=str(entry["id"]),
                            track=track,
                            lang=lang,
                            week=int(entry.get("week", 0)),
                            kind=str(entry["kind"]),
                            text=str(entry["text"]),
                            sources=tuple(entry.get("sources", ())),
                            file=path.name,
                            asks=bool(entry.get("asks", False)),
                            theme=str(entry.get("theme", "")),
                            position=position,
                        )
                    )
                except KeyError as exc:
                    raise LibraryError(
                        f"{path.name}: nudge {entry.get('id', '?')} lacks {exc.args[0]}"
                    ) from None
        return library


def _moments(path: Path) -> list[MomentText]:
    data = _read(path)
    lang = str(data.get("lang", ""))
    if not lang:
        raise LibraryError(f"{path.name}: needs lang")
    texts = []
    for entry in data.get("text", []):
        try:
            texts.append(
                MomentText(
                    id=str(entry["id"]),
                    moment=str(entry["moment"]),
                    lang=lang,
                    kind=str(entry["kind"]),
                    text=str(entry["text"]),
                    sources=tuple(entry.get("sources", ())),
                    file=path.name,
                )
            )
        except KeyError as exc:
            raise LibraryError(
                f"{path.name}: text {entry.get('id', '?')} lacks {exc.args[0]}"
            ) from None
    return texts


def _read(path: Path) -> dict:  # type: ignore[type-arg]
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise LibraryError(f"{path.name}: {exc}") from None


@cache
def load_library() -> Library:
    return Library.load(ROOT)


@cache
def moment_bank() -> Mapping[str, tuple[str, ...]]:
    """The hard-moment texts' ids: "sorry:en" -> ids in bank order (read-only:
    every inbound text's rules hold the same one)."""
    return MappingProxyType(load_library().moment_bank())


def moment_text(text_id: str) -> str:
    return load_library().moment_text(text_id)


def system_text(key: str, *, lang: str = "en", **fields: str) -> str:
    """A system text with its fields filled in. `help_es` is the Spanish help."""
    if key == "help_es":
        key, lang = "help", "es"
    return load_library().system_text(key, lang, **fields)
