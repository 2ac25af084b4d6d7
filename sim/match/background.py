"""Load the model and a scenario's reply index on a worker thread.

The window must draw its first frame at once; the model takes a second or more to load
and a scenario's replies a moment to embed. A :class:`Loader` does both off the main
thread; the front end polls :attr:`Loader.state` each frame.
"""

from __future__ import annotations

import logging
import threading

from sim.match.encoders import DEFAULT_MODEL, Encoder, ModelUnavailable, load_encoder
from sim.match.matcher import ReplyIndex
from sim.scenario import Scenario

log = logging.getLogger(__name__)

_lock = threading.Lock()
_encoders: dict[str, Encoder] = {}


def shared_encoder(name: str = DEFAULT_MODEL) -> Encoder:
    """The process's one instance of a model (loaded on first use; thread-safe)."""
    with _lock:
        if name not in _encoders:
            _encoders[name] = load_encoder(name)
        return _encoders[name]


class Loader:
    """Builds the :class:`ReplyIndex` of one scenario in the background.

    ``state`` is ``loading``, ``ready`` (``index`` set) or ``failed`` (``error`` says why).
    """

    def __init__(self, scenario: Scenario, *, model: str = DEFAULT_MODEL,
                 start: bool = True):
        self.scenario = scenario
        self.model = model
        self.index: ReplyIndex | None = None
        self.error: str | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="defuse-match", daemon=True)
        if start:
            self._thread.start()

    def _run(self) -> None:
        try:
            self.index = ReplyIndex(self.scenario, shared_encoder(self.model))
        except ModelUnavailable as exc:
            self.error = str(exc)
        except Exception as exc:  # the window keeps going; the mode says why it can't
            log.exception("typed replies unavailable")
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self._done.set()

    @property
    def state(self) -> str:
        """``loading``, ``ready`` or ``failed``."""
        if not self._done.is_set():
            return "loading"
        return "ready" if self.index is not None else "failed"

    def wait(self, timeout: float | None = None) -> bool:
        """Block until loaded or failed; True when done."""
        return self._done.wait(timeout)
