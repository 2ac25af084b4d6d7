"""Match a trainee's own words to the replies the scenario's author wrote.

Every authored reply of a scenario — in each of its languages, plus the choice's
``examples:`` — is embedded once and cached on disk under the scenario's content hash.
A typed reply is embedded and compared with the replies on offer at the node: each
reply scores the best cosine similarity of any of its texts. The match is *confident*
only when the top score clears the model's calibrated threshold and leads the runner-up
by a margin; when the top reply is harmful and a best one is close behind (or the other
way round) a wider margin is needed, because that confusion is the one that would teach
the wrong lesson. An unconfident match never guesses: the front end asks again and
offers the two closest replies to pick from.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.match.encoders import Encoder
from sim.scenario import Scenario

log = logging.getLogger(__name__)

#: raised by the cache format; a file of another version is rebuilt
CACHE_VERSION = 1
#: cache files kept per scenario id and model: the newest few, so switching between two
#: or three versions of a scenario (an author's edits, a trainer's branch) stays cached
#: while the folder no longer grows with every edit
CACHE_KEEP = 3
#: the longest typed reply matched (longer text is cut: the model reads 128 tokens anyway)
MAX_TYPED = 500


@dataclass(frozen=True, slots=True)
class Calibration:
    """When a match counts as confident (see bench/match.py for how these were chosen).

    ``threshold``: the lowest similarity accepted; ``margin``: the least lead over the
    runner-up; ``severe_margin``: the least lead when the top reply and a close one are
    harmful and best (either way round).
    """

    threshold: float
    margin: float
    severe_margin: float


CALIBRATION: dict[str, Calibration] = {
    "use-m3": Calibration(threshold=0.45, margin=0.05, severe_margin=0.15),
    "e5-small-q4": Calibration(threshold=0.86, margin=0.012, severe_margin=0.03),
}

_SEVERE = {("harmful", "best"), ("best", "harmful")}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reply on offer and how close the typed words came to it."""

    index: int  # the reply's authored position in its node: its identity
    score: float
    quality: str


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of matching one typed reply at one node.

    ``candidates`` are the replies on offer, closest first. ``confident`` says whether
    the closest may be played as it is; ``reason`` says why not (``low``: too far from
    every reply, ``close``: two replies nearly tie, ``severe``: a harmful and a best reply
    are too close to tell apart safely).
    """

    text: str
    candidates: tuple[Candidate, ...]
    confident: bool
    reason: str

    @property
    def best(self) -> Candidate:
        """The closest reply."""
        return self.candidates[0]

    @property
    def index(self) -> int | None:
        """The authored index of the reply to play, or None when unconfident."""
        return self.best.index if self.confident else None

    def closest(self, n: int = 2) -> list[int]:
        """The authored indices of the ``n`` closest replies (offered when unsure)."""
        return [c.index for c in self.candidates[:n]]


def normalise(text: str) -> str:
    """Typed text as matched: trimmed, whitespace collapsed, cut to :data:`MAX_TYPED`."""
    return re.sub(r"\s+", " ", text).strip()[:MAX_TYPED]


def texts_of_choice(choice: object) -> list[str]:
    """Every text a reply can be recognised by: its reply in each language, then its
    ``examples`` (duplicates once)."""
    reply = choice.reply  # type: ignore[attr-defined]
    texts = [reply] if isinstance(reply, str) else list(reply.values())
    texts += list(getattr(choice, "examples", None) or ())
    return list(dict.fromkeys(normalise(t) for t in texts if t and t.strip()))


def default_cache_dir() -> Path:
    """Where embeddings are cached: ``$DEFUSE_CACHE_DIR``, else ``match/`` in the user's
    cache folder."""
    import platformdirs

    if os.environ.get("DEFUSE_CACHE_DIR"):
        return Path(os.environ["DEFUSE_CACHE_DIR"])
    return Path(platformdirs.user_cache_dir("defuse", appauthor=False)) / "match"


def _touch(path: Path) -> None:
    """Mark a cache file as just used (its modification time orders pruning)."""
    try:
        os.utime(path)
    except OSError as exc:
        log.info("could not mark %s as used: %s", path, exc)


def cache_files(folder: Path, scenario_id: str, model: str) -> list[Path]:
    """The cache files of one scenario id and model in ``folder`` (not its subfolders),
    newest first. Only names this module writes match: ``<id>-<content>-<model>-<digest>.npy``
    with a content hash (or ``memory``) and a 16-hex digest, so another scenario whose id
    starts the same way (``parcel`` and ``parcel-late``) is never taken for this one."""
    pattern = re.compile(re.escape(scenario_id) + r"-(?:[0-9a-f]{1,16}|memory)-"
                         + re.escape(model) + r"-[0-9a-f]{16}\.npy")
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        log.info("could not list the cache folder %s: %s", folder, exc)
        return []
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                found.append((entry.stat(follow_symlinks=False).st_mtime, entry.name))
        except OSError:
            continue
    found.sort(reverse=True)
    return [folder / name for _, name in found]


def prune_cache(folder: Path, scenario_id: str, model: str, *, keep: Path | None = None,
                limit: int = CACHE_KEEP) -> list[Path]:
    """Remove all but the newest ``limit`` cache files of a scenario id and model from
    ``folder`` (``keep``, the file just written, is never removed). Only regular files
    directly in ``folder`` whose names this module writes are touched; a file that can't
    be removed is logged and left. Returns the files removed."""
    removed = []
    files = cache_files(folder, scenario_id, model)
    kept = [f for f in files if f == keep][:1]
    for path in files:
        if path in kept:
            continue
        if len(kept) < limit:
            kept.append(path)
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError as exc:  # another process using it, a read-only folder: not fatal
            log.warning("could not remove the old cache file %s: %s", path, exc)
    if removed:
        log.info("removed %d old cache file(s) of %s (%s)", len(removed), scenario_id, model)
    return removed


class ReplyIndex:
    """The embedded replies of one scenario, ready to match typed text against.

    Building one embeds every reply text (or reads them from the cache). ``cache_dir``
    None uses :func:`default_cache_dir`; ``False`` disables the cache.
    """

    def __init__(self, scenario: Scenario, encoder: Encoder, *,
                 cache_dir: Path | bool | None = None,
                 calibration: Calibration | None = None):
        self.scenario = scenario
        self.encoder = encoder
        self.calibration = calibration or CALIBRATION.get(
            encoder.name, CALIBRATION["use-m3"])
        texts: list[str] = []
        owners: list[tuple[str, int]] = []
        for node_id, node in scenario.nodes.items():
            for i, choice in enumerate(node.choices):
                for text in texts_of_choice(choice):
                    texts.append(text)
                    owners.append((node_id, i))
        self.texts = texts
        self._rows: dict[tuple[str, int], list[int]] = {}
        for row, owner in enumerate(owners):
            self._rows.setdefault(owner, []).append(row)
        self.vectors = self._embed_all(texts, cache_dir)

    # --- the cache ------------------------------------------------------------------

    def _digest(self, texts: Sequence[str]) -> str:
        h = hashlib.sha256()
        h.update(f"{CACHE_VERSION}\x1f{self.encoder.name}\x1f".encode())
        for t in texts:
            h.update(t.encode("utf-8") + b"\x1e")
        return h.hexdigest()

    def cache_path(self, cache_dir: Path) -> Path:
        """The cache file: the scenario's id and content hash, the model, the texts' digest
        (an edit to any text, or another model, gives another file)."""
        content = (self.scenario.content_hash or "memory")[:16]
        return cache_dir / (f"{self.scenario.id}-{content}-{self.encoder.name}-"
                            f"{self._digest(self.texts)[:16]}.npy")

    def _embed_all(self, texts: list[str], cache_dir: Path | bool | None) -> np.ndarray:
        folder = None if cache_dir is False else (
            default_cache_dir() if cache_dir in (None, True) else Path(cache_dir))  # type: ignore[arg-type]
        path = self.cache_path(folder) if folder is not None else None
        if path is not None and path.is_file():
            try:
                vectors = np.load(path, allow_pickle=False)
                if vectors.ndim == 2 and vectors.shape[0] == len(texts):
                    _touch(path)  # in use: the newest, so pruning keeps it
                    return vectors.astype(np.float32, copy=False)
                log.info("cache %s has the wrong shape; rebuilding it", path)
            except (OSError, ValueError) as exc:
                log.info("cache %s unreadable (%s); rebuilding it", path, exc)
        vectors = self.encoder.encode(texts)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
                with os.fdopen(fd, "wb") as f:
                    np.save(f, vectors, allow_pickle=False)
                os.replace(tmp, path)
            except OSError as exc:  # a read-only cache folder costs time, not the game
                log.warning("could not cache reply embeddings in %s: %s", path, exc)
            else:
                prune_cache(path.parent, self.scenario.id, self.encoder.name, keep=path)
        return vectors

    # --- matching -------------------------------------------------------------------

    def vectors_of(self, node_id: str, index: int) -> np.ndarray:
        """The embedded texts of one reply (rows of :attr:`vectors`)."""
        return self.vectors[self._rows.get((node_id, index), [])]

    def scores(self, node_id: str, offered: Sequence[int], vector: np.ndarray
               ) -> list[Candidate]:
        """Each offered reply's similarity to ``vector`` (its closest text), closest first."""
        node = self.scenario.nodes[node_id]
        out = []
        for index in offered:
            rows = self.vectors_of(node_id, index)
            score = float(np.max(rows @ vector)) if len(rows) else -1.0
            out.append(Candidate(index, score, node.choices[index].quality))
        out.sort(key=lambda c: (-c.score, c.index))
        return out

    def decide(self, text: str, candidates: list[Candidate]) -> Match:
        """Whether the closest candidate is a confident match (see :class:`Calibration`)."""
        cal = self.calibration
        best = candidates[0]
        reason = "confident"
        if best.score < cal.threshold:
            reason = "low"
        elif len(candidates) > 1:
            if best.score - candidates[1].score < cal.margin:
                reason = "close"
            elif any((best.quality, c.quality) in _SEVERE
                     and best.score - c.score < cal.severe_margin for c in candidates[1:]):
                reason = "severe"
        return Match(text, tuple(candidates), reason == "confident", reason)

    def match(self, node_id: str, offered: Sequence[int], typed: str) -> Match:
        """Match ``typed`` against the replies ``offered`` (authored indices) at a node.

        Raises ValueError for empty text or a node without those replies.
        """
        text = normalise(typed)
        if not text:
            raise ValueError("nothing was typed")
        if node_id not in self.scenario.nodes or not offered:
            raise ValueError(f"no replies on offer at '{node_id}'")
        vector = self.encoder.encode([text])[0]
        return self.decide(text, self.scores(node_id, offered, vector))


def too_close_pairs(index: ReplyIndex, threshold: float | None = None
                    ) -> list[tuple[str, int, int, float]]:
    """Pairs of replies at one node the matcher could mistake for each other.

    Two replies are too close when, in some language both are written in, their texts'
    similarity reaches ``threshold`` (default: the model's threshold plus most of the way
    to 1, i.e. nearly the same words). Returns ``(node, index_a, index_b, similarity)``.
    """
    cal = index.calibration
    limit = threshold if threshold is not None else cal.threshold + 0.7 * (1 - cal.threshold)
    found = []
    for node_id, node in index.scenario.nodes.items():
        n = len(node.choices)
        for a in range(n):
            va = index.vectors_of(node_id, a)
            for b in range(a + 1, n):
                vb = index.vectors_of(node_id, b)
                if not len(va) or not len(vb):
                    continue
                sim = float(np.max(va @ vb.T))
                if sim >= limit:
                    found.append((node_id, a, b, sim))
    return found
