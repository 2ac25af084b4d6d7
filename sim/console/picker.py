"""After a case is picked in the terminal: coach or exam, and picking replies or typing
them in your own words — the choices the window's menu offers, in its words.

Input and output are injected so tests drive it without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.console.player import Printer
from sim.console.strings import tr

Reader = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class PlayMode:
    """What the trainee chose: the coach's comments on (coach) or off (exam), and
    whether replies are typed in their own words."""

    coach: bool
    own_words: bool


def _ask(read: Reader, p: Printer, what: str, options: list[tuple[str, str, str | None]],
         default: int) -> int | None:
    """One numbered question; returns the 0-based option chosen, None on q or end of
    input. ``options`` are (name, hint, why unavailable or None)."""
    p.line(f"{what}{p.colon.strip()}")
    for n, (name, hint, off) in enumerate(options, start=1):
        p.line(f"  {n}. {name} — {hint}", "     ")
        if off:
            p.line(f"     ({off})", "      ")
    prompt = tr("pick_option", p.lang, what=what, n=len(options),
                default=options[default][0])
    while True:
        try:
            answer = read(prompt).strip().lower()
        except EOFError:
            return None
        if answer in ("q", "quit", "exit"):
            return None
        if not answer:
            return default
        if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= len(options):
            chosen = int(answer) - 1
            if options[chosen][2] is None:
                return chosen
            p.line(options[chosen][2])  # unavailable: say why, ask again
            continue
        p.line(tr("bad_pick", p.lang, n=len(options)))


def pick_mode(read: Reader, p: Printer, *, coach: bool = True, own_words: bool = False,
              words_unavailable: str | None = None) -> PlayMode | None:
    """Ask for coach or exam, then how to answer; Enter keeps ``coach`` / ``own_words``.

    ``words_unavailable`` is why the own-words mode can't be used here (the model isn't
    installed): the option is shown with the reason and can't be chosen. None when the
    trainee quit.
    """
    lang = p.lang
    p.line()
    mode = _ask(read, p, tr("mode", lang), [
        (tr("mode_coach", lang), tr("mode_coach_hint", lang), None),
        (tr("mode_exam", lang), tr("mode_exam_hint", lang), None)], 0 if coach else 1)
    if mode is None:
        return None
    off = tr("answer_words_off", lang, reason=words_unavailable) if words_unavailable else None
    answer = _ask(read, p, tr("answer", lang), [
        (tr("answer_pick", lang), tr("answer_pick_hint", lang), None),
        (tr("answer_words", lang), tr("answer_words_hint", lang), off)],
        1 if own_words and off is None else 0)
    if answer is None:
        return None
    return PlayMode(coach=mode == 0, own_words=answer == 1)
