"""The terminal player: play a scenario with numbered replies, then read the debrief.

Input and output are injected (``read`` and ``out``) so tests drive it without a terminal.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TextIO

from sim.coach import (
    OUTCOME_LABELS,
    PITFALL_LABELS,
    QUALITY_LABELS,
    STATUS_LABELS,
    STEP_ADVICE,
    STEP_LABELS,
    Debrief,
)
from sim.coach.labels import CRITICAL_LABEL, KEPT_OPEN_LABEL, STEP_ROW_LABELS, TURNING_LABEL
from sim.console.strings import tr
from sim.console.termtext import wrap
from sim.engine import ChoiceError, Session, Turn
from sim.scenario import STEPS, Scenario, text_of
from sim.scenario.replykeys import ReplyKeyError, parse_reply_key

if TYPE_CHECKING:
    from sim.match import Match, ReplyIndex

Reader = Callable[[str], str]


class PlanError(ValueError):
    """A scripted reply that could not be given; ``number`` is its 1-based place in the plan."""

    def __init__(self, number: int, token: str, reason: str):
        super().__init__(f"reply {number} ('{token}'): {reason}")
        self.number = number
        self.token = token


def reply_number(answer: str) -> int | None:
    """The reply number typed at the prompt (1-based), or None when it isn't one."""
    try:
        key = parse_reply_key(answer)
    except ReplyKeyError:
        return None
    return key if isinstance(key, int) else None


class Printer:
    """Writes wrapped, language-aware lines to a stream."""

    def __init__(self, out: TextIO, lang: str, columns: int | None = None):
        self.out = out
        self.lang = lang
        self.columns = columns or min(100, max(40, shutil.get_terminal_size().columns - 1))

    @property
    def colon(self) -> str:
        """The colon after a label: a full-width one in Chinese (``你：``), else ``: ``."""
        return "：" if self.lang == "zh" else ": "

    def paren(self, text: str) -> str:
        """``text`` in brackets: full-width ones in Chinese."""
        return f"（{text}）" if self.lang == "zh" else f"({text})"

    def listed(self, items: Iterable[str]) -> str:
        """Items in a list: ``、`` between them in Chinese, else ``, ``."""
        return ("、" if self.lang == "zh" else ", ").join(items)

    def t(self, text: object) -> str:
        """A scenario or label text in the chosen language."""
        return text_of(text, self.lang)  # type: ignore[arg-type]

    def line(self, text: str = "", indent: str = "") -> None:
        """Print ``text`` wrapped to the terminal width."""
        for row in wrap(text, self.columns, indent) if text else [""]:
            self.out.write(row + "\n")

    def rule(self, title: str) -> None:
        """A section heading."""
        self.out.write(f"\n== {title} ==\n")


def quoted(text: str) -> str:
    """``text`` in quotation marks, unless it has quotation marks of its own."""
    return text if any(q in text for q in "“”\"") else f"“{text}”"


def meter_bar(value: int, cells: int = 20) -> str:
    """A text bar for a 0..100 meter."""
    filled = round(value / 100 * cells)
    return "#" * filled + "." * (cells - filled)


class TerminalPlayer:
    """Plays one session in the terminal, interactively or from a plan.

    With ``matcher`` (a :class:`sim.match.ReplyIndex`) the trainee types replies in their
    own words instead of picking numbers (:meth:`play_typed`, :meth:`play_said`).
    """

    def __init__(self, session: Session, printer: Printer, *, coach: bool = False,
                 matcher: ReplyIndex | None = None):
        self.session = session
        self.p = printer
        self.coach = coach
        self.matcher = matcher
        #: the two closest replies offered after an unconfident match (authored indices)
        self.pending: list[int] = []
        self.pending_text = ""

    @property
    def scenario(self) -> Scenario:
        """The scenario being played."""
        return self.session.scenario

    def show_brief(self) -> None:
        """The title, case brief and the customer."""
        sc, p = self.scenario, self.p
        p.rule(p.t(sc.title))
        p.line(f"{tr('case_brief', p.lang)}{p.colon.strip()}")
        p.line("  " + p.t(sc.briefing), "  ")
        if sc.authority is not None:
            p.line(f"{tr('authority', p.lang)}{p.colon.strip()}")
            p.line("  " + p.t(sc.authority), "  ")
        p.line(f"{tr('customer', p.lang)}{p.colon}{p.t(sc.customer.name)} — "
               f"{p.t(sc.customer.role)}")

    def show_node(self) -> None:
        """The customer's line, the meters and the replies on offer."""
        if not self.show_customer_line():
            return
        s, p = self.session, self.p
        # numbered in the order shown (shuffled per session); --choices plans name the
        # authored order instead, through Session.answer
        for number, offered in enumerate(s.shown(), start=1):
            p.line(f"  {number}. {p.t(offered.choice.reply)}", "     ")

    def show_turn(self, turn: Turn, match: Match | None = None) -> None:
        """The reply given; in coach mode its step, quality and the coach's note.

        A typed reply shows the trainee's own words and the authored reply it was taken as
        (with the similarity in coach mode, ``match`` given).
        """
        p = self.p
        choice = self.scenario.nodes[turn.node].choices[turn.index]
        if turn.typed is not None:
            from sim.match.strings import tr as mtr

            p.line(f"{tr('you', p.lang)}{p.colon}{quoted(turn.typed)}")
            how = ""
            if self.coach and match is not None and match.best.index == turn.index:
                how = (("" if p.lang == "zh" else " ")
                       + p.paren(mtr("similarity", p.lang, s=match.best.score)))
            p.line(f"  [{mtr('taken_as', p.lang)}{p.colon}{quoted(p.t(choice.reply))}{how}]", "   ")
        else:
            p.line(f"{tr('you', p.lang)}{p.colon}{p.t(choice.reply)}")
        if self.coach:
            step = p.t(STEP_LABELS[turn.step]) if turn.step else "—"
            p.line(f"  [{tr('step_tag', p.lang)}{p.colon}{step} · {tr('quality', p.lang)}{p.colon}"
                   f"{p.t(QUALITY_LABELS[turn.quality])}]")
            if choice.why:
                p.line(f"  {tr('why', p.lang)}{p.colon}{p.t(choice.why)}", "    ")

    def show_ending(self) -> None:
        """The ending reached (or why there is none)."""
        s, p = self.session, self.p
        ending = s.ending
        if ending is None:
            p.line(tr("stuck" if s.is_stuck else "stopped", p.lang))
            return
        if ending.say:
            p.line(f"{p.t(self.scenario.customer.name)}{p.colon}{p.t(ending.say)}")
        p.rule(f"{tr('ending', p.lang)}{p.colon}{p.t(ending.title)}")
        if ending.epilogue:
            p.line(p.t(ending.epilogue))

    def play_interactive(self, read: Reader) -> bool:
        """Ask for replies until an ending; False if the trainee stopped (q or end of input)."""
        self.show_brief()
        while not self.session.is_over:
            self.show_node()
            n = len(self.session.choices())
            while True:
                try:
                    answer = read(tr("prompt", self.p.lang, n=n)).strip()
                except EOFError:
                    return False
                if answer.lower() in ("q", "quit", "exit"):
                    return False
                number = reply_number(answer)
                if number is not None and number <= n:
                    break
                self.p.line(tr("bad_pick", self.p.lang, n=n))
            self.show_turn(self.session.choose_shown(number - 1))
        self.show_ending()
        return True

    # --- own words ----------------------------------------------------------------

    def show_customer_line(self) -> bool:
        """The customer's line and the meters (the own-words mode shows no more); False when
        the conversation is over (no line to show)."""
        s, p = self.session, self.p
        node = s.node
        if node is None:
            return False
        p.line()
        if node.note:
            p.line(f"  {p.paren(p.t(node.note))}", "   ")
        p.line(f"{p.t(self.scenario.customer.name)}{p.colon}{p.t(node.say)}")
        p.line(f"  {tr('emotion', p.lang)} [{meter_bar(s.emotion)}] {s.emotion:3d}   "
               f"{tr('trust', p.lang)} [{meter_bar(s.trust)}] {s.trust:3d}")
        return True

    def say(self, text: str) -> Turn | None:
        """Give a typed reply (or, right after an unconfident match, ``1``/``2`` to pick
        one of the two closest replies offered).

        A confident match plays the matched reply with ``text`` kept on the turn. An
        unconfident one plays nothing: the customer asks what was meant and the two
        closest replies are listed (kept in :attr:`pending`); returns None then.
        """
        from sim.match.strings import tr as mtr

        assert self.matcher is not None
        s, p = self.session, self.p
        text = text.strip()
        if self.pending and text in ("1", "2") and int(text) <= len(self.pending):
            turn = s.choose_index(self.pending[int(text) - 1], typed=self.pending_text)
            self.pending, self.pending_text = [], ""
            self.show_turn(turn)
            return turn
        if not text:
            p.line(mtr("empty", p.lang))
            return None
        offered = [o.index for o in s.choices()]
        match = self.matcher.match(s.node_id, offered, text)
        if match.confident:
            self.pending, self.pending_text = [], ""
            turn = s.choose_index(match.best.index, typed=match.text)
            self.show_turn(turn, match)
            return turn
        node = self.scenario.nodes[s.node_id]
        self.pending, self.pending_text = match.closest(2), match.text
        p.line(f"{tr('you', p.lang)}{p.colon}{quoted(match.text)}")
        p.line(f"{p.t(self.scenario.customer.name)}{p.colon}{mtr('unsure', p.lang)}")
        p.line(f"  {mtr('pick_closest', p.lang)}")
        for n, index in enumerate(self.pending, start=1):
            p.line(f"  {n}. {p.t(node.choices[index].reply)}", "     ")
        return None

    def play_typed(self, read: Reader) -> bool:
        """Ask for typed replies until an ending; False if the trainee stopped."""
        from sim.match.strings import tr as mtr

        self.show_brief()
        while not self.session.is_over:
            self.show_customer_line()
            while True:
                prompt = mtr("pick_prompt" if self.pending else "typed_prompt", self.p.lang)
                try:
                    answer = read(prompt)
                except EOFError:
                    return False
                if answer.strip().lower() in ("q", "quit", "exit"):
                    return False
                if self.say(answer) is not None:
                    break
        self.show_ending()
        return True

    def play_said(self, lines: Iterable[str], *, echo: bool = True) -> None:
        """Give typed lines in order (``--say``): each is matched; after an unconfident
        match the next line may be ``1`` or ``2`` to pick one of the two offered.

        Raises :class:`PlanError` for a line left over after the conversation ended.
        """
        if echo:
            self.show_brief()
        shown = None
        for n, text in enumerate(lines, start=1):
            if self.session.ending_id is not None or self.session.is_over:
                raise PlanError(n, text, "the conversation ended before this line")
            if echo and shown != self.session.turn:
                self.show_customer_line()
                shown = self.session.turn
            self.say(text)
        if echo and self.session.is_over:
            self.show_ending()

    def play_plan(self, plan: Iterable[str], *, echo: bool = True) -> None:
        """Give the plan's replies in order, showing the conversation when ``echo``.

        Raises :class:`PlanError` naming the reply that is not on offer, or the first
        one left over after the conversation ended.
        """
        if echo:
            self.show_brief()
        for n, token in enumerate(plan, start=1):
            if self.session.ending_id is not None:
                raise PlanError(n, token, f"the conversation ended after reply {n - 1}")
            if echo:
                self.show_node()
            try:
                turn = self.session.answer(token)
            except ChoiceError as exc:
                raise PlanError(n, token, str(exc)) from None
            if echo:
                self.show_turn(turn)
        if echo:
            self.show_ending()


def score_text(score: float) -> str:
    """A score as the window shows it: one decimal (``87.5``, ``90.0``)."""
    return f"{float(score):.1f}"


def points_text(points: float) -> str:
    """A part of the score as the window shows it: no pointless ``.0`` (``12``, ``7.5``)."""
    return str(int(points)) if float(points).is_integer() else f"{points:.1f}"


def taken_as(lang: str) -> str:
    """The label of the authored reply a typed one was taken as."""
    from sim.match.strings import tr as mtr

    return mtr("taken_as", lang)


def print_debrief(d: Debrief, scenario: Scenario, p: Printer) -> None:
    """The debrief as text: score, steps, order, pitfalls, better replies, facts, advice."""
    lang = p.lang
    p.rule(tr("debrief", lang))
    p.line(f"{tr('outcome', lang)}{p.colon}{p.t(OUTCOME_LABELS[d.outcome])}    "
           f"{tr('score', lang)}{p.colon}{score_text(d.score)} / 100    {tr('emotion', lang)} "
           f"{d.emotion}  "
           f"{tr('trust', lang)} {d.trust}")
    # a part without a maximum only takes points away (mistakes, the ending's bound)
    parts = " · ".join(f"{p.t(part.label)} {points_text(part.points)}"
                       + (f" / {part.maximum}" if part.maximum else "") for part in d.parts)
    p.line("  " + parts, "  ")
    p.line(f"  {tr('how_scored', lang)}{p.colon}{p.t(d.scoring)}", "    ")
    if d.turning_point is not None:
        tp = d.turning_point
        p.rule(p.t(TURNING_LABEL))
        p.line(p.t(tp.message), "  ")
        p.line(f"  {tr('you_said', lang)}{p.colon}{quoted(p.t(tp.reply))}", "    ")
        p.line(f"  {p.t(KEPT_OPEN_LABEL)}{p.colon}{quoted(p.t(tp.better_reply))}", "    ")

    p.rule(tr("steps", lang))
    for i, step in enumerate(STEPS, start=1):
        result = d.steps[step]
        turns = p.listed(tr("turn_ref", lang, n=t) for t in result.turns) or "—"
        p.line(f"{i}. {p.t(STEP_LABELS[step])}{p.colon}{p.t(STATUS_LABELS[result.status])}"
               + ("" if lang == "zh" else " ") + p.paren(f"{tr('turns', lang)}{p.colon}{turns}"))
        for review in d.turns:
            if review.number in result.turns:
                p.line(f"   {tr('turn_n', lang, n=review.number)} — {tr('you_said', lang)}{p.colon}"
                       f"{quoted(review.typed or p.t(review.reply))} "
                       f"[{p.t(QUALITY_LABELS[review.quality])}]", "     ")
                if review.typed:
                    p.line(f"     {taken_as(lang)}{p.colon}{quoted(p.t(review.reply))}", "       ")
        if result.better is not None:
            note = STEP_ROW_LABELS["better_of_step" if result.better_same_step
                                   else "at_that_turn"]
            p.line(f"   {p.t(note).format(n=result.better_turn)}{p.colon}"
                   f"{quoted(p.t(result.better.reply))}", "     ")
    if d.order_problems:
        p.rule(tr("order", lang))
        for problem in d.order_problems:
            p.line(f"- {p.t(problem.message)}", "  ")
    critical = d.critical_errors
    if critical:  # the errors the method calls critical come first
        p.rule(p.t(CRITICAL_LABEL))
        for pit in critical:
            p.line(f"- {tr('turn_n', lang, n=pit.turn)}, "
                   f"{p.t(PITFALL_LABELS[pit.pitfall])}{p.colon}"
                   f"{quoted(p.t(pit.reply))}", "  ")
            if pit.why:
                p.line("    " + p.t(pit.why), "    ")
    others = [pit for pit in d.pitfalls if not pit.critical]
    if others:
        p.rule(tr("pitfalls", lang))
        for pit in others:
            p.line(f"- {tr('turn_n', lang, n=pit.turn)}, "
                   f"{p.t(PITFALL_LABELS[pit.pitfall])}{p.colon}"
                   f"{quoted(p.t(pit.reply))}", "  ")
            if pit.why:
                p.line("    " + p.t(pit.why), "    ")
    if d.missed:
        p.rule(tr("better", lang))
        for review in d.missed:
            better = review.better
            assert better is not None
            p.line(f"- {tr('turn_n', lang, n=review.number)}{p.colon}{tr('you_said', lang)}"
                   f"{'' if lang == 'zh' else ' '}{quoted(review.typed or p.t(review.reply))}",
                   "  ")
            if review.typed:
                p.line(f"    {taken_as(lang)}{p.colon}{quoted(p.t(review.reply))}", "      ")
            p.line(f"    {tr('better_was', lang)}{p.colon}{quoted(p.t(better.reply))} — "
                   + tr("would_have", lang, e=better.emotion_delta, t=better.trust_delta),
                   "    ")
            if better.why:
                p.line("    " + p.t(better.why), "    ")
    facts = scenario.facts
    p.rule(tr("facts", lang))
    for fact in d.facts_learned:
        p.line(f"+ {p.t(facts[fact])}", "  ")
    if not d.facts_learned:
        p.line("  " + tr("nothing", lang))
    if d.facts_missed:
        p.line(f"{tr('facts_missed', lang)}{p.colon.strip()}")
        for fact in d.facts_missed:
            p.line(f"- {p.t(facts[fact])}", "  ")
    weak = [s for s in STEPS if d.steps[s].status in ("weak", "missed")]
    if weak:
        p.rule(tr("advice", lang))
        for step in weak:
            p.line(f"- {p.t(STEP_LABELS[step])}{p.colon}{p.t(STEP_ADVICE[step])}", "  ")
