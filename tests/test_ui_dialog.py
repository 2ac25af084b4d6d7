"""The modal dialogs follow the language: L while a dialog is open redraws it in the
other language, as every screen does."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from sim.ui import strings
from sim.ui.testing import Driver

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"


def dialog_texts(d: Driver) -> tuple[str, str, str, str]:
    """What the open dialog says: title, body, and its buttons' labels as laid out."""
    confirm = d.app.confirm
    assert confirm is not None
    _, yes, no = confirm.layout(d.app)
    return confirm.title, confirm.body, yes.label, no.label


@pytest.mark.parametrize("start", ["en", "zh"])
def test_quit_dialog_follows_the_language(tmp_path: Path, start: str) -> None:
    d = Driver(LIBRARY, lang=start, settings_path=tmp_path / "w.json", use_records=False)
    other = "zh" if start == "en" else "en"
    d.key(pygame.K_ESCAPE)
    want = tuple(strings.t(k, start) for k in ("quit_title", "quit", "stay"))
    title, body, yes, no = dialog_texts(d)
    assert (title, yes, no) == want and body == ""
    d.key(pygame.K_l)  # switch while the dialog is open
    assert d.app.lang == other
    assert d.app.confirm is not None
    title, body, yes, no = dialog_texts(d)
    assert (title, yes, no) == tuple(strings.t(k, other) for k in ("quit_title", "quit", "stay"))
    d.app.ts.audit = []
    d.shot(ROOT / "shots" / f"quit_dialog_{start}_then_{other}.png")
    assert not d.app.ts.audit
    d.app.ts.audit = None
    d.key(pygame.K_n)  # stay; asked again, it speaks the new language too
    assert d.app.confirm is None and d.app.running
    d.key(pygame.K_ESCAPE)
    assert dialog_texts(d)[0] == strings.t("quit_title", other)


def test_leave_dialog_follows_the_language(tmp_path: Path) -> None:
    d = Driver(LIBRARY, lang="en", settings_path=tmp_path / "w.json", use_records=False)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "play"
    d.key(pygame.K_ESCAPE)
    title, body, yes, _ = dialog_texts(d)
    assert title == strings.t("leave_title", "en") and yes == strings.t("leave", "en")
    d.key(pygame.K_l)
    title, body, yes, no = dialog_texts(d)
    assert (title, yes, no) == tuple(strings.t(k, "zh") for k in ("leave_title", "leave",
                                                                 "stay"))
    assert body in (strings.t("leave_body", "zh"), strings.t("leave_body_unsaved", "zh"))


def test_a_fading_toast_leaves_the_same_words_elsewhere_opaque(tmp_path: Path) -> None:
    """The language toast says "English" as it fades; the menu's "English" button, drawn
    from the same cached line of text, must stay fully opaque."""
    d = Driver(LIBRARY, lang="zh", settings_path=tmp_path / "w.json", use_records=False)
    d.key(pygame.K_l)
    assert d.app.toast is not None and d.app.toast.text == "English"
    d.until(lambda: d.app.toast is None or d.app.toast.left < 0.2)
    d.app.dirty = True
    d.step()  # drawn half faded
    white = d.app.ts.render("English", "small", (255, 255, 255))
    assert white.get_alpha() in (None, 255)
