"""The window's remembered preferences (trainee name, language, mode, text size, typing
speed, sound, reduced motion).

A small JSON file: next to the records database when one is given (so a test's temporary
database keeps its settings with it), else in the user's config directory.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

log = logging.getLogger(__name__)

#: Typing speeds and their factor on the typewriter's characters per second (0: off,
#: the whole line at once).
TYPING_SPEEDS: dict[str, float] = {"slow": 0.6, "normal": 1.0, "fast": 2.0, "off": 0.0}


@dataclass
class Settings:
    """Preferences that persist between runs."""

    trainee: str = ""
    lang: str = "en"
    coach: bool = True
    text_scale: float = 1.0
    sound: bool = True
    last_scenario: str | None = None
    #: How fast the customer's line types out: one of :data:`TYPING_SPEEDS`.
    typing: str = "normal"
    #: No typewriter, no easing or shaking: everything appears in its final place.
    reduce_motion: bool = False
    #: Answer by typing in your own words (matched to the authored replies) instead of
    #: picking a reply.
    own_words: bool = False

    @classmethod
    def load(cls, path: Path | None) -> Settings:
        """Read settings; a missing or damaged file gives the defaults."""
        if path is None or not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable settings %s: %s", path, exc)
            return cls()
        known = {f.name for f in fields(cls)}
        if not isinstance(data, dict):
            return cls()
        try:
            out = cls(**{k: v for k, v in data.items() if k in known})
        except TypeError:
            return cls()
        if out.typing not in TYPING_SPEEDS:
            out.typing = "normal"
        return out

    def save(self, path: Path | None) -> None:
        """Write settings (best effort: a read-only disk must not stop the game)."""
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), "utf-8")
            tmp.replace(path)
        except OSError as exc:
            log.warning("could not save settings to %s: %s", path, exc)


def default_settings_path(db: Path | None) -> Path:
    """Where settings live: ``$DEFUSE_CONFIG_DIR``, else beside ``db`` (or ``$DEFUSE_DB``),
    else the user's config directory."""
    if os.environ.get("DEFUSE_CONFIG_DIR"):
        return Path(os.environ["DEFUSE_CONFIG_DIR"]) / "window.json"
    db = db or (Path(os.environ["DEFUSE_DB"]) if os.environ.get("DEFUSE_DB") else None)
    if db is not None:
        return db.with_name(db.stem + "-window.json")
    from platformdirs import user_config_dir

    return Path(user_config_dir("defuse", appauthor=False)) / "window.json"
