"""The game window's main loop and entry points.

One loop owns the clock. Each frame it takes the pending input (sleeping in
``wait`` when nothing animates, until the scene's next timed change, so an idle window
costs almost no CPU), turns events into intents at the edge, lets the app handle its
global keys (language, full screen, text size, sound) and the current scene the rest,
advances animations, and draws only when something changed or moves -- or, for a small
timed change such as the portrait's blink, only the part of the window that changed.
The clock, the input source and the surface are injected, so tests step frames without
sleeping.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import select
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pygame

from sim.ui import strings, theme
from sim.ui.intents import Intent, Kind, translate
from sim.ui.library import Library
from sim.ui.notice import Notice
from sim.ui.portrait import PortraitCache
from sim.ui.scene import Scene
from sim.ui.settings import Settings, default_settings_path
from sim.ui.sound import Sounds
from sim.ui.text import Typesetter
from sim.ui.widgets import Button, button_width, draw_button, panel, place_right_to_left

log = logging.getLogger(__name__)

#: Characters the bundled font lacks, drawn as near equivalents instead of blank gaps.
GLYPH_FALLBACKS = str.maketrans({"✓": "+", "✔": "+", "✗": "×", "\u00a0": " "})
FPS = 60
MAX_DT = 0.05  # a long frame must not make animations jump
#: The longest idle sleep when no timed change is due. Timers (the portrait's blink) get
#: the whole sleep when it ends without input, so the loop need not wake to count time;
#: a worker thread that sets ``dirty`` (a toast from the records) ends the sleep sooner.
IDLE_MAX_MS = 1000
IDLE_SLICE = 0.05  # seconds between looks at the event queue while idle
#: On X11 the idle loop sleeps on the display connection itself, so input wakes it at
#: once; it still looks at the queue and at ``stop`` this often, for what doesn't come
#: through the connection (a worker thread's toast, SDL's own timers).
WATCH_SLICE = 0.25


class Clock(Protocol):
    """What the loop needs from a clock: ``tick`` returns milliseconds since the last."""

    def tick(self, framerate: int = 0) -> int:  # pragma: no cover - protocol
        """Wait for the frame (at most ``framerate`` per second) and return elapsed ms."""
        ...


class FixedClock:
    """A clock for tests: every tick is ``ms`` milliseconds, and nothing sleeps."""

    def __init__(self, ms: int = 16) -> None:
        self.ms = ms
        self.ticks = 0

    def tick(self, framerate: int = 0) -> int:
        """Advance one frame."""
        self.ticks += 1
        return self.ms


class Input(Protocol):
    """Where events come from."""

    def poll(self) -> list[pygame.event.Event]:  # pragma: no cover - protocol
        """Pending events, without waiting."""
        ...

    def wait(  # pragma: no cover - protocol
        self, timeout_ms: int, stop: Callable[[], bool] | None = None, quick: bool = False
    ) -> list[pygame.event.Event]:
        """Block until an event arrives, ``timeout_ms`` passes or ``stop()`` is true
        (``quick``: a text field has the keyboard, see :class:`PygameInput`)."""
        ...


class PygameInput:
    """The real event queue."""

    def __init__(self) -> None:
        self._fd: int | None = None
        self._fd_looked = False

    def poll(self) -> list[pygame.event.Event]:
        """Pending events."""
        return pygame.event.get()

    def wait(
        self, timeout_ms: int, stop: Callable[[], bool] | None = None, quick: bool = False
    ) -> list[pygame.event.Event]:
        """Pending events, or an empty list after sleeping ``timeout_ms`` (or as soon as
        ``stop()`` is true).

        Not ``pygame.event.wait``: with a timeout it polls SDL every millisecond (about
        750 wake-ups a second on an idle X display). On X11 it sleeps until the display
        connection has something to read (a key, the pointer, the window manager), so
        input is answered at once, looking at the queue and at ``stop`` every
        :data:`WATCH_SLICE` seconds besides; elsewhere, and while a text field has the
        keyboard (``quick``: an input method may deliver its text over another channel
        than the display), it sleeps in slices of :data:`IDLE_SLICE` seconds.
        """
        deadline = time.monotonic() + max(0, timeout_ms) / 1000
        fd = None if quick else self.display_fd()
        while True:
            events = pygame.event.get()
            left = deadline - time.monotonic()
            if events or left <= 0 or (stop is not None and stop()):
                return events
            if fd is None:
                time.sleep(min(IDLE_SLICE, left))
                continue
            try:
                select.select([fd], [], [], min(WATCH_SLICE, left))
            except (OSError, ValueError):  # the connection went away: sleep in slices
                fd = self._fd = None

    def display_fd(self) -> int | None:
        """The X11 display connection's file descriptor (None: not X11, or unknown).

        SDL reads every event off the connection when the queue is looked at, so once
        ``pygame.event.get`` has returned, the socket becomes readable only when
        something new arrives."""
        if self._fd_looked:
            return self._fd
        self._fd_looked = True
        try:
            if pygame.display.get_driver() != "x11":
                return None
            capsule = pygame.display.get_wm_info().get("display")
            if capsule is None:
                return None
            get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
            get_pointer.restype = ctypes.c_void_p
            get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
            display = get_pointer(capsule, b"display")
            try:
                xlib = ctypes.CDLL("libX11.so.6")  # the one SDL loaded, on Linux
            except OSError:
                xlib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so")
            xlib.XConnectionNumber.restype = ctypes.c_int
            xlib.XConnectionNumber.argtypes = [ctypes.c_void_p]
            fd = int(xlib.XConnectionNumber(display)) if display else -1
        except (pygame.error, OSError, ValueError, AttributeError, TypeError) as exc:
            log.info("idle loop sleeps in slices: %s", exc)
            return None
        if fd < 0:
            return None
        self._fd = fd
        return fd


class ScriptedInput:
    """Events supplied by a test; ``wait`` never blocks."""

    def __init__(self) -> None:
        self.queue: list[pygame.event.Event] = []

    def push(self, *events: pygame.event.Event) -> None:
        """Queue events for the next frame."""
        self.queue.extend(events)

    def poll(self) -> list[pygame.event.Event]:
        """Everything queued."""
        out, self.queue = self.queue, []
        return out

    def wait(
        self, timeout_ms: int, stop: Callable[[], bool] | None = None, quick: bool = False
    ) -> list[pygame.event.Event]:
        """Same as poll: tests never sleep."""
        return self.poll()


class Toast:
    """A short notice at the bottom of the window that fades away."""

    def __init__(self, text: str, seconds: float = 1.8) -> None:
        self.text = text
        self.left = seconds


#: A dialog's text: fixed, or worked out each time it is drawn (so that it follows the
#: language when L is pressed while the dialog is open).
Text = str | Callable[[], str]


def _text(text: Text) -> str:
    return text() if callable(text) else text


class Confirm:
    """A modal question (e.g. leaving mid-session): Enter/Y = yes, Esc/N = no."""

    def __init__(
        self, title: Text, body: Text, yes: Text, no: Text, on_yes: Callable[[], None],
        on_no: Callable[[], None] | None = None,
    ) -> None:
        self._texts = (title, body, yes, no)
        self.on_yes, self.on_no = on_yes, on_no

    @property
    def title(self) -> str:
        """The question, in the current language."""
        return _text(self._texts[0])

    @property
    def body(self) -> str:
        """The text under the question ("" for none)."""
        return _text(self._texts[1])

    @property
    def yes(self) -> str:
        """The yes button's label."""
        return _text(self._texts[2])

    @property
    def no(self) -> str:
        """The no button's label."""
        return _text(self._texts[3])

    def layout(self, app: App) -> tuple[pygame.Rect, Button, Button]:
        """The dialog box and its two buttons."""
        ts = app.ts
        w, h = app.size
        title, body, yes_text, no_text = self.title, self.body, self.yes, self.no
        bw = min(w - 40, max(420, int(w * 0.42)))
        inner = bw - 48
        th = ts.text_height(title, "h2", inner, True)
        # no body (e.g. "Quit Defuse?"): no empty line and gap under the title
        bh_text = ts.text_height(body, "body", inner) + 12 if body.strip() else 0
        btn_h = ts.line_height("body") + 16
        bh = 24 + th + bh_text + 24 + btn_h + 24
        box = pygame.Rect(0, 0, bw, min(h - 40, bh))
        box.center = (w // 2, h // 2)
        yes_w = max(120, button_width(ts, yes_text, "Enter"))
        no_w = max(120, button_width(ts, no_text, "Esc"))
        yes = Button(pygame.Rect(0, 0, yes_w, btn_h), yes_text, "yes", "Enter", primary=True)
        no = Button(pygame.Rect(0, 0, no_w, btn_h), no_text, "no", "Esc")
        place_right_to_left([yes, no], (box.right - 24, box.bottom - 24))
        return box, yes, no

    def draw(self, surface: pygame.Surface, app: App, hover: tuple[int, int] | None) -> None:
        """Dim the scene and draw the dialog."""
        shade = pygame.Surface(app.size, pygame.SRCALPHA)
        shade.fill(theme.OVERLAY)
        surface.blit(shade, (0, 0))
        box, yes, no = self.layout(app)
        panel(surface, box, radius=14)
        inner = pygame.Rect(box.x + 24, box.y + 24, box.width - 48, box.height - 48)
        th = app.ts.draw_wrapped(surface, self.title, inner, "h2", theme.INK, True)
        text = self.body
        if text.strip():
            body = pygame.Rect(inner.x, inner.y + th + 12, inner.width,
                               yes.rect.y - inner.y - th - 12)
            app.ts.draw_wrapped(surface, text, body, "body", theme.INK_SOFT)
        draw_button(surface, app.ts, yes, yes.hit(hover))
        draw_button(surface, app.ts, no, no.hit(hover))


class App:
    """The game: global state shared by the scenes, and the main loop."""

    def __init__(
        self,
        *,
        library: Path | None,
        lang: str | None = None,
        trainee: str | None = None,
        coach: bool | None = None,
        db: Path | None = None,
        surface: pygame.Surface | None = None,
        clock: Clock | None = None,
        source: Input | None = None,
        settings_path: Path | None = None,
        store: Any = None,
        use_records: bool = True,
        background: bool = False,
        seeds: Callable[[], int] | None = None,
    ) -> None:
        """``background`` loads the library and records in a thread, so the first
        frame is drawn at once (the menu shows them when ready). ``seeds`` gives each
        new session the seed of its reply order (default: a fresh random one)."""
        self.settings_path = settings_path or default_settings_path(db)
        self.settings = Settings.load(self.settings_path)
        self.new_seed: Callable[[], int] = seeds or _new_seed
        if lang in strings.LANGS:
            self.settings.lang = lang
        if trainee:
            self.settings.trainee = trainee
        if coach is not None:
            self.settings.coach = coach
        self.window = surface is None
        if surface is None:
            surface = open_window(strings.t("window_title", self.settings.lang))
        self.surface = surface
        self.clock: Clock = clock or pygame.time.Clock()
        self.source: Input = source or PygameInput()
        self.ts = Typesetter(text_scale=self.settings.text_scale)
        self.ts.set_window(self.surface.get_size())
        self.portraits = PortraitCache()
        self.sounds = Sounds(self.settings.sound)
        self.library = Library(Path(library) if library is not None else None, load=False)
        self.store = store
        #: Why the records could not be opened (it names the file); None when they could.
        self.store_error: str | None = None
        #: The trainee agreed to play without recording (asked once per run).
        self.unrecorded_ok = False
        self._asked_store = False
        self.ready = False
        self._loader: threading.Thread | None = None
        self._load_started = False
        want_store = store is None and use_records
        if background:
            # Started once the first frame is drawn (see draw): loading imports the
            # scenario model, and the GIL would make the first frame wait for it.
            self._loader = threading.Thread(target=self._load, args=(db, want_store),
                                            name="defuse-load", daemon=True)
        else:
            self._load(db, want_store)
        self.scenes: list[Scene] = []
        self.confirm: Confirm | None = None
        self.notice: Notice | None = None
        self.toast: Toast | None = None
        #: F2: the trainer overlay (node, meters, flags, facts) over play.
        self.trainer_overlay = False
        self.running = True
        self.dirty = True
        #: A scene asked to redraw only a part of the window (see :meth:`touch`).
        self.touched = False
        self.partial_frames = 0
        self.hover: tuple[int, int] | None = None
        self.fullscreen = False
        self.frames_drawn = 0
        self.exit_code = 0

    def _load(self, db: Path | None, want_store: bool) -> None:
        """Load the scenario library and open the records (maybe in a thread)."""
        try:
            self.library.reload()
            if want_store:
                self.store = open_records(db, self)
        finally:
            self.ready = True

    def wait_ready(self) -> None:
        """Block until background loading has finished."""
        if self._loader is not None:
            self.start_loading()
            self._loader.join()

    # -- language and text ---------------------------------------------------------------

    @property
    def lang(self) -> str:
        """The current language code."""
        return self.settings.lang

    @property
    def size(self) -> tuple[int, int]:
        """The drawing surface's size."""
        return self.surface.get_size()

    def t(self, key: str, **values: object) -> str:
        """A UI string in the current language."""
        return strings.t(key, self.lang, **values)

    def tx(self, text: object) -> str:
        """Scenario text (a str or a language map) in the current language."""
        if text is None:
            return ""
        from sim.scenario import text_of

        return text_of(text, self.lang).translate(GLYPH_FALLBACKS)  # type: ignore[arg-type]

    def save_settings(self) -> None:
        """Persist preferences."""
        self.settings.save(self.settings_path)

    # -- scenes --------------------------------------------------------------------------

    @property
    def scene(self) -> Scene:
        """The current scene."""
        return self.scenes[-1]

    def push(self, scene: Scene) -> None:
        """Show ``scene`` on top of the current one (Esc comes back)."""
        if self.scenes:
            self.scene.leave()
        self.scenes.append(scene)
        scene.enter()
        self.dirty = True

    def pop(self) -> None:
        """Go back to the previous scene (quit when there is none)."""
        self.scene.leave()
        self.scenes.pop()
        if not self.scenes:
            self.running = False
            return
        self.scene.enter()
        self.dirty = True

    def replace(self, scene: Scene) -> None:
        """Swap the current scene for ``scene``."""
        self.scene.leave()
        self.scenes[-1] = scene
        scene.enter()
        self.dirty = True

    def back_to_root(self) -> None:
        """Back to the first scene (the menu)."""
        while len(self.scenes) > 1:
            self.scenes.pop().leave()
        self.scene.enter()
        self.dirty = True

    def ask(
        self, title: Text, body: Text, yes: Text, no: Text, on_yes: Callable[[], None],
        on_no: Callable[[], None] | None = None,
    ) -> None:
        """Show a modal yes/no question. Give each text as a function of no arguments
        (e.g. ``lambda: app.t("quit_title")``) for it to follow the language."""
        self.confirm = Confirm(title, body, yes, no, on_yes, on_no)
        self.dirty = True

    def notify(self, text: str) -> None:
        """Show a short notice."""
        self.toast = Toast(text)
        self.dirty = True

    def quit(self) -> None:
        """End the main loop."""
        self.running = False

    # -- the loop ------------------------------------------------------------------------

    @property
    def animating(self) -> bool:
        """True while the scene or a notice moves."""
        return ((bool(self.scenes) and self.scene.animating) or self.toast is not None
                or (self.notice is not None and self.notice.animating))

    def touch(self) -> None:
        """Ask for the scene's :meth:`Scene.draw_touched` next frame: a small timed change
        (a blink) redraws and presents only its own part of the window."""
        self.touched = True

    def frame(self) -> bool:
        """Run one iteration: input, update, draw if needed. Returns False when done."""
        busy = self.dirty or self.animating or self.touched
        slept = False
        if busy:
            events = self.source.poll()
            dt = self.clock.tick(FPS) / 1000
        else:
            self.sounds.rest()
            wake = self.scene.next_wake() if self.scenes else None
            if self._loader is not None:
                wake = 0.02  # check back soon: the library is loading
            timeout = IDLE_MAX_MS if wake is None else max(1, int(wake * 1000))
            typing = bool(self.scenes) and self.scene.wants_text
            events = self.source.wait(min(IDLE_MAX_MS, timeout), lambda: self.dirty,
                                      quick=typing)
            dt = self.clock.tick(0) / 1000
            slept = not events
        self.process(events)
        moving = self.animating
        # Nothing moved during a sleep that no input ended, so timers get all of it; any
        # other step is capped so that a slow frame doesn't make an animation jump.
        step = dt if slept and not moving else min(MAX_DT, dt)
        self.update(max(0.0, step))
        # The frame after an animation ends is drawn too: it shows the final state
        # (the last typed character, the replies that appear once a line is said).
        if self.dirty or self.animating or moving:
            self.draw()
        elif self.touched:
            self.draw_touched()
        return self.running

    def process(self, events: list[pygame.event.Event]) -> None:
        """Translate events and dispatch the intents."""
        for event in events:
            text_mode = bool(self.scenes) and self.scene.wants_text and self.confirm is None
            for intent in translate(event, text_mode):
                if intent.kind is Kind.SCROLL and self.hover is not None:
                    # The wheel scrolls what the pointer is over: the last position the
                    # loop saw (the same as SDL's in a window; injected events in tests).
                    intent = Intent(Kind.SCROLL, value=intent.value, pos=self.hover)
                self.dispatch(intent)

    def dispatch(self, intent: Intent) -> None:
        """Handle global intents, then the modal dialog or the scene."""
        kind = intent.kind
        if kind is not Kind.POINTER:
            self.dirty = True
        if kind is Kind.QUIT:
            self.quit()
            return
        if kind in (Kind.RESIZE, Kind.EXPOSE):
            self.resized(intent.value if kind is Kind.RESIZE else None)
            return
        if kind is Kind.LANG:
            self.settings.lang = "zh" if self.lang == "en" else "en"
            self.save_settings()
            self.set_window_title()
            self.notify(self.t("toast_lang"))
            return
        if kind is Kind.FULLSCREEN:
            self.toggle_fullscreen()
            return
        if kind in (Kind.BIGGER, Kind.SMALLER):
            self.change_text_scale(1 if kind is Kind.BIGGER else -1)
            return
        if kind is Kind.RESET_TEXT:
            self.set_text_scale(1.0)
            return
        if kind is Kind.SETTINGS:
            self.open_settings()
            return
        if kind is Kind.MUTE:
            self.settings.sound = self.sounds.enabled = not self.sounds.enabled
            self.save_settings()
            self.notify(self.t("toast_sound_on" if self.sounds.enabled else "toast_sound_off"))
            return
        if kind is Kind.TRAINER:
            self.trainer_overlay = not self.trainer_overlay
            return
        if kind is Kind.POINTER and intent.pos != self.hover:
            self.hover = intent.pos
            self.dirty = True
        if self.notice is not None:
            if kind is Kind.RELOAD:  # F5 again after fixing the file: try at once
                self.notice = None
            else:
                self.notice.handle(intent, self)
                if self.notice.closed:
                    self.notice = None
                return
        if self.confirm is not None:
            self.handle_confirm(intent)
            return
        if self.scenes:
            self.scene.handle(intent)

    def show_notice(self, title: str, body: str, lines: list[str], **values: object) -> None:
        """Show a notice that stays until dismissed (e.g. a scenario's located errors);
        ``title`` and ``body`` are string keys formatted with ``values``."""
        self.notice = Notice(self, title, body,
                             [line.translate(GLYPH_FALLBACKS) for line in lines], **values)
        self.dirty = True

    def check_records(self, then: Callable[[], None] | None = None) -> None:
        """If the records cannot be used, say so (naming the file) and ask whether to
        play without recording. Yes runs ``then`` (e.g. start the session); no goes back
        to the menu, or quits when asked at start-up. The file is never touched: the
        store refuses a file it cannot use without changing it."""
        if self.store_error is None or self.unrecorded_ok:
            if then is not None:
                then()
            return
        self._asked_store = True

        def play_unrecorded() -> None:
            self.unrecorded_ok = True
            self.notify(self.t("records_off_toast"))
            if then is not None:
                then()

        no = "records_no" if then is None else "back"
        self.ask(lambda: self.t("records_title"),
                 lambda: self.t("records_body", error=self.store_error),
                 lambda: self.t("records_yes"), lambda: self.t(no),
                 play_unrecorded,
                 on_no=None if then is not None else self.records_declined)

    def records_declined(self) -> None:
        """No to playing unrecorded: back to the menu, or quit when already there."""
        if len(self.scenes) > 1:
            for scene in self.scenes[1:]:
                close = getattr(scene, "close", None)
                if close is not None:
                    close()
            self.back_to_root()
        else:
            self.quit()

    def handle_confirm(self, intent: Intent) -> None:
        """Answer the modal question."""
        confirm = self.confirm
        assert confirm is not None
        _, yes, no = confirm.layout(self)
        said_yes = intent.kind is Kind.CONFIRM or (
            intent.kind is Kind.HOTKEY and intent.value == "y"
        ) or (intent.kind is Kind.CLICK and yes.hit(intent.pos))
        said_no = intent.kind is Kind.BACK or (
            intent.kind is Kind.HOTKEY and intent.value == "n"
        ) or (intent.kind is Kind.CLICK and no.hit(intent.pos))
        if said_yes:
            self.confirm = None
            self.sounds.play("click")
            confirm.on_yes()
        elif said_no:
            self.confirm = None
            if confirm.on_no is not None:
                confirm.on_no()

    def update(self, dt: float) -> None:
        """Advance animations (and notice when background loading is done)."""
        if self._loader is not None and self.ready:
            self._loader = None
            if self.scenes:
                self.scene.enter()  # e.g. the menu reads best scores now
            self.dirty = True
        if self.store_error is not None and not self._asked_store and self.ready \
                and self._loader is None:
            self.check_records()
        if self.scenes:
            self.scene.update(dt)
        if self.notice is not None:
            self.notice.update(dt, self)
        if self.toast is not None:
            self.toast.left -= dt
            if self.toast.left <= 0:
                self.toast = None
                self.dirty = True

    def draw(self) -> None:
        """Draw the current scene, the modal dialog and the notice, then present."""
        surface = self.surface
        if self.scenes:
            self.scene.draw(surface)
        if self.notice is not None:
            self.notice.draw(surface, self, self.hover)
        if self.confirm is not None:
            self.confirm.draw(surface, self, self.hover)
        if self.toast is not None:
            self.draw_toast(surface, self.toast)
        if self.window:
            pygame.display.flip()
        self.dirty = self.touched = False
        self.frames_drawn += 1
        self.start_loading()

    def draw_touched(self) -> None:
        """Redraw and present only what the scene says changed (e.g. the portrait as it
        blinks); a whole frame when it can't say, or when a dialog, notice or toast lies
        over the scene."""
        rects = None
        if self.scenes and self.confirm is None and self.notice is None and self.toast is None:
            rects = self.scene.draw_touched(self.surface)
        if rects is None:
            self.draw()
            return
        if self.window:
            pygame.display.update(rects)
        self.touched = False
        self.frames_drawn += 1
        self.partial_frames += 1

    def start_loading(self) -> None:
        """Start the background loading (once)."""
        if self._loader is not None and not self._load_started:
            self._load_started = True
            self._loader.start()

    def draw_toast(self, surface: pygame.Surface, toast: Toast) -> None:
        """The notice, over the footer's key hints: never over a heading, a reply or a
        button (every scene keeps the band under its footer line for the hints)."""
        ts = self.ts
        w, h = self.size
        text = ts.fit(toast.text, "small", w - 80)
        tw = ts.measure(text, "small")
        box = pygame.Rect(0, 0, tw + 40, ts.line_height("small") + 6)
        box.midbottom = (w // 2, h - 3)
        alpha = int(255 * min(1.0, toast.left / 0.4))
        layer = pygame.Surface(box.size, pygame.SRCALPHA)
        pygame.draw.rect(layer, (*theme.INK, min(225, alpha)), layer.get_rect(),
                         border_radius=box.h // 2)
        # a copy: the rendered line is shared through the typesetter's cache, and fading
        # it in place faded every later "English" label (the menu's language button)
        label = ts.render(text, "small", (255, 255, 255)).copy()
        label.set_alpha(alpha)
        layer.blit(label, label.get_rect(center=(box.w // 2, box.h // 2)))
        surface.blit(layer, box)

    def draw_footer(self, surface: pygame.Surface, hint: str) -> int:
        """The key hints along the bottom (scene keys left, global keys right); returns
        the y where the footer starts."""
        ts = self.ts
        w, h = self.size
        lh = ts.line_height("tiny")
        y = h - lh - 10
        pygame.draw.line(surface, theme.LINE, (0, y - 6), (w, y - 6))
        # While a text field has the keyboard, letters type: show only the keys that
        # still work (L and M would type "l" and "m").
        typing = bool(self.scenes) and self.scene.wants_text and self.confirm is None
        glob = self.t("hints_global_text" if typing else "hints_global")
        gw = ts.measure(glob, "tiny")
        left_w = w - 40
        if ts.measure(hint, "tiny") + gw + 60 <= w:
            ts.draw(surface, glob, (w - 20, y), "tiny", theme.INK_FAINT, anchor="topright")
            left_w = w - gw - 60
        ts.draw(surface, hint, (20, y), "tiny", theme.INK_SOFT, max_width=left_w)
        return y - 6

    # -- window --------------------------------------------------------------------------

    def resized(self, size: tuple[int, int] | None) -> None:
        """Keep the window at least the minimum size and re-fit the type."""
        if self.window and size is not None:
            w, h = size
            mw, mh = theme.MIN_SIZE
            if w < mw or h < mh:
                self.surface = pygame.display.set_mode((max(w, mw), max(h, mh)), pygame.RESIZABLE)
        if self.window:
            self.surface = pygame.display.get_surface() or self.surface
        self.ts.set_window(self.size)
        self.dirty = True

    def set_surface(self, surface: pygame.Surface) -> None:
        """Draw into another surface (tests use it to try window sizes)."""
        self.surface = surface
        self.ts.set_window(self.size)
        self.dirty = True

    def toggle_fullscreen(self) -> None:
        """F11: full screen (desktop resolution) and back."""
        if not self.window:
            self.notify(self.t("toast_no_fullscreen"))
            return
        try:
            win = pygame.Window.from_display_module()
            if self.fullscreen:
                win.set_windowed()
            else:
                win.set_fullscreen(desktop=True)
            self.fullscreen = not self.fullscreen
        except (pygame.error, AttributeError) as exc:
            log.info("full screen unavailable: %s", exc)
            self.notify(self.t("toast_no_fullscreen"))
        self.resized(None)

    def change_text_scale(self, step: int) -> None:
        """Ctrl + / Ctrl -: the next text scale up or down."""
        scales = theme.TEXT_SCALES
        now = min(range(len(scales)), key=lambda i: abs(scales[i] - self.settings.text_scale))
        self.set_text_scale(scales[max(0, min(len(scales) - 1, now + step))])

    def set_text_scale(self, scale: float) -> None:
        """Set, remember and announce the text size (Ctrl 0: 100 %)."""
        self.settings.text_scale = scale
        self.ts.text_scale = scale
        self.save_settings()
        self.notify(self.t("toast_text_size", pct=round(scale * 100)))

    def open_settings(self) -> None:
        """F3: the settings panel over the current scene (once)."""
        from sim.ui.scenes.settings import SettingsScene

        if self.scenes and isinstance(self.scene, SettingsScene):
            return
        self.push(SettingsScene(self))

    def set_window_title(self) -> None:
        """Window caption in the current language."""
        if self.window:
            pygame.display.set_caption(self.t("window_title"))

    def run(self) -> int:
        """The main loop; returns the exit code."""
        from sim.ui.scenes.menu import MenuScene

        if not self.scenes:
            self.push(MenuScene(self))
        while self.frame():
            pass
        self.save_settings()
        return self.exit_code


def _new_seed() -> int:
    """A fresh reply-order seed (the engine is imported on first use, after the first
    frame: it pulls in the scenario model and pydantic)."""
    from sim.engine import new_seed

    return new_seed()


def open_window(title: str) -> pygame.Surface:
    """Open the resizable game window at the default size."""
    if not any(Path("/dev/dri").glob("renderD*")) and sys.platform.startswith("linux"):
        # No GPU: SDL's accelerated window surface would run OpenGL in software (Mesa's
        # llvmpipe, about 95 MB more memory, for nothing a 2D game needs). Machines with
        # a GPU keep SDL's default; the variable set by hand wins either way.
        os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_caption(title)
    surface = pygame.display.set_mode(theme.DEFAULT_SIZE, pygame.RESIZABLE)
    # Older SDL has no minimum size; resized() enforces it instead.
    with contextlib.suppress(pygame.error, AttributeError):
        pygame.Window.from_display_module().minimum_size = theme.MIN_SIZE
    pygame.key.set_repeat(400, 40)
    return surface


def open_records(db: Path | None, app: App | None = None) -> Any:
    """Open the records store; None (play unrecorded) when it cannot be used."""
    try:
        from sim.records import StoreError, open_store
    except ImportError:  # pragma: no cover - records not installed
        return None
    try:
        store = open_store(db)
    except StoreError as exc:
        log.warning("playing without records: %s", exc)
        if app is not None:
            app.store_error = str(exc)
        return None
    if app is not None and hasattr(store, "on_offline"):  # records on a server
        store.on_offline = lambda: app.notify(app.t("records_offline"))
        if store.offline:
            store.on_offline()
    return store


def display_available() -> bool:
    """True when pygame can open a display with the current SDL video driver."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    no_server = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not driver and sys.platform.startswith("linux") and no_server:
        return False  # SDL would fail anyway; don't pay for trying
    was_init = pygame.display.get_init()
    try:
        pygame.display.init()
        ok = pygame.display.get_num_displays() > 0
    except pygame.error:
        return False
    finally:
        if not was_init and pygame.display.get_init():
            pygame.display.quit()
    return ok


def run(
    *,
    library: Path | None,
    scenario: Path | None = None,
    lang: str | None = "en",
    trainee: str | None = None,
    coach: bool = True,
    db: Path | None = None,
    at: str | None = None,
    emotion: int | None = None,
    trust: int | None = None,
    flags: dict[str, bool | int] | None = None,
) -> int:
    """Open the game window: at the menu, or at the case brief of ``scenario``.

    ``library`` is the scenario folder shown in the menu (None: the default one);
    ``lang`` ``"en"`` or ``"zh"`` (None: the language the trainee last chose);
    ``trainee`` presets the name; ``coach`` False plays in exam mode; ``db`` the records
    database (default: ``$DEFUSE_DB`` or the user data directory); ``at``, ``emotion``,
    ``trust`` and ``flags`` (with ``scenario``) start play at once at that node in that
    state, unrecorded, to preview a scenario being written (F5 reloads it from disk,
    F2 shows the state).
    Returns the process exit code (0, or 2 when the scenario cannot be loaded).
    """
    started = time.perf_counter()
    pygame.display.init()
    pygame.font.init()
    app = App(library=Path(library) if library is not None else None, lang=lang,
              trainee=trainee, coach=coach, db=db, background=scenario is None)
    from sim.ui.scenes.menu import MenuScene

    app.push(MenuScene(app))
    if scenario is not None:
        from sim.ui.preview import Preset
        from sim.ui.scenes.brief import open_scenario_file

        preset = Preset(at, emotion, trust, dict(flags or {}))
        if not open_scenario_file(app, Path(scenario), preset=preset):
            pygame.quit()
            return 2
    app.frame()
    log.info("first frame after %.3f s", time.perf_counter() - started)
    code = app.run()
    pygame.quit()
    return code
