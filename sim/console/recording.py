"""Recording in the terminal player: open the records, offer to resume, keep every turn.

``begin`` is called by ``play`` before the first reply. It opens the records database
(``--db`` / ``$DEFUSE_DB`` / the user data dir); when that fails it says why and asks
whether to play without recording (scripted play just warns and goes on). When the
trainee has an unfinished session of the same scenario it offers to continue it,
exactly where it stopped, or, when the scenario file changed since, to start again.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable
from typing import Any, TextIO

from sim.engine import Session
from sim.records import NullRecorder, Recorder, StoreError, open_store
from sim.scenario import Scenario, text_of

log = logging.getLogger(__name__)

Reader = Callable[[str], str]

_STRINGS: dict[str, dict[str, str]] = {
    "rec_unavailable": {
        "en": "Your results cannot be recorded: {error}",
        "zh": "无法记录练习结果：{error}"},
    "rec_off": {"en": "Playing without recording.", "zh": "本次练习不做记录。"},
    "rec_play_anyway": {"en": "Play without recording? [y/N] ", "zh": "不记录也继续练习吗？[y/N] "},
    "rec_backup": {"en": "Your records were upgraded; a backup of the old file is at {path}",
                   "zh": "练习记录已升级，旧文件备份在 {path}"},
    "rec_failed": {"en": "(Recording paused: {error}. Play on; it retries on the next reply.)",
                   "zh": "（记录暂停：{error}。可以继续练习，下一次回答时会再试。）"},
    "rec_offline": {
        "en": "(Offline — saved on this computer; sent to the records server when it is "
              "back.)",
        "zh": "（离线——已保存在本机，记录服务器恢复后自动上传。）"},
    "rec_resume": {
        "en": "You have an unfinished session of “{title}” from {when} ({n} replies "
              "given). Continue it? [Y/n] ",
        "zh": "你有一次未完成的“{title}”练习（{when}，已回答 {n} 次）。要继续吗？[Y/n] "},
    "rec_cannot_resume": {"en": "That session cannot be continued; starting again.",
                          "zh": "那次练习无法继续，重新开始。"},
    "rec_mark": {"en": "[unfinished: pick it to continue]", "zh": "【未完成：选它可继续】"},
    "rec_so_far": {"en": "Your replies so far:", "zh": "你之前的回答："},
    "rec_saved": {
        "en": "Your session is saved. Play the same scenario again to continue where you "
              "stopped.",
        "zh": "练习进度已保存。再次打开这个情景即可从中断处继续。"},
}


def tr(key: str, lang: str, **values: object) -> str:
    """This module's words in ``lang`` (English when missing)."""
    table = _STRINGS[key]
    text = table.get(lang) or table["en"]
    return text.format(**values) if values else text


def default_trainee() -> str:
    """The trainee when none is named: the login name (profiles are names, not accounts)."""
    try:
        return getpass.getuser() or "trainee"
    except Exception:  # no login name in some containers and services
        return "trainee"


def _yes(read: Reader, prompt: str, default: bool) -> bool | None:
    """Ask yes/no; None when input ended."""
    try:
        answer = read(prompt).strip().lower()
    except EOFError:
        return None
    if not answer:
        return default
    return answer[:1] in ("y", "是", "好", "继")


def begin(
    scenario: Scenario,
    *,
    db: str | None,
    trainee: str | None,
    lang: str,
    out: TextIO,
    read: Reader | None,
    mode: str,
    library: Any = None,
    seed: int | None = None,
) -> tuple[Session, Recorder | NullRecorder] | None:
    """The session to play and its recorder; None when the trainee chose not to play.

    ``read`` None means scripted play: nothing is asked, no resume is offered.
    ``seed`` is the new session's reply order (None: the authored order); a resumed
    session keeps the one it was recorded with.
    """
    trainee = trainee or default_trainee()
    try:
        store = open_store(db)
    except StoreError as exc:
        out.write(tr("rec_unavailable", lang, error=str(exc)) + "\n")
        if read is None:
            out.write(tr("rec_off", lang) + "\n")
            return Session(scenario, seed=seed), NullRecorder()
        if _yes(read, tr("rec_play_anyway", lang), default=False):
            return Session(scenario, seed=seed), NullRecorder()
        return None
    if store.backup_path is not None:
        out.write(tr("rec_backup", lang, path=str(store.backup_path)) + "\n")
    if hasattr(store, "on_offline"):  # records on a server: say when they wait locally
        store.on_offline = lambda: out.write("\n" + tr("rec_offline", lang) + "\n")
        if store.offline:
            store.on_offline()
    try:
        if read is not None:
            resumed = _offer_resume(store, scenario, trainee, lang, out, read, library)
            if resumed is not None:
                return resumed
        recorder = store.start(trainee, scenario, lang=lang, mode=mode, seed=seed)
    except StoreError as exc:
        out.write(tr("rec_unavailable", lang, error=str(exc)) + "\n")
        if read is not None and not _yes(read, tr("rec_play_anyway", lang), default=False):
            return None
        return Session(scenario, seed=seed), NullRecorder()
    recorder.on_error = lambda exc: out.write(
        "\n" + tr("rec_failed", lang, error=str(exc)) + "\n")
    session = Session(scenario, seed=seed)
    recorder.attach(session)
    return session, recorder


def _offer_resume(store: Any, scenario: Scenario, trainee: str, lang: str, out: TextIO,
                  read: Reader, library: Any) -> tuple[Session, Recorder] | None:
    """Offer the newest unfinished session of this scenario; abandon it if declined."""
    from sim.records import ResumeError

    open_ones = [s for s in store.unfinished(trainee) if s.scenario_id == scenario.id]
    # a session left before its first reply has nothing to continue (the window and
    # 'history' call it "no reply given"): close it instead of offering it
    for empty in [s for s in open_ones if s.turns == 0]:
        store.abandon(empty.id)
    open_ones = [s for s in open_ones if s.turns > 0]
    if not open_ones:
        return None
    info = open_ones[0]
    for older in open_ones[1:]:  # only the latest one is worth continuing
        store.abandon(older.id)
    plan = store.plan_resume(info, library)
    when = info.started_at[:16].replace("T", " ")
    title = text_of(scenario.title, lang)
    if plan.state == "ready":
        answer = _yes(read, tr("rec_resume", lang, title=title, when=when, n=info.turns),
                      default=True)
        if answer:
            try:
                session, recorder = store.resume(plan)
            except ResumeError as exc:
                log.warning("cannot resume session %s: %s", info.id, exc)
                out.write(tr("rec_cannot_resume", lang) + "\n")
                store.abandon(info.id)
                return None
            recorder.on_error = lambda exc: out.write(
                "\n" + tr("rec_failed", lang, error=str(exc)) + "\n")
            _recap(session, lang, out)
            return session, recorder
    else:
        out.write(text_of(plan.message, lang) + "\n")
    store.abandon(info.id)
    return None


def _recap(session: Session, lang: str, out: TextIO) -> None:
    """Remind the trainee of the replies given before the interruption."""
    out.write(tr("rec_so_far", lang) + "\n")
    for turn in session.history:
        choice = session.scenario.nodes[turn.node].choices[turn.index]
        reply = text_of(choice.reply, lang)
        if turn.typed:  # own words: what was typed, and the reply it was taken as
            from sim.match.strings import tr as mtr

            taken = mtr("taken_as", lang)
            reply = (f"“{turn.typed}”（{taken}：{reply}）" if lang == "zh"
                     else f"“{turn.typed}” ({taken}: {reply})")
        out.write(f"  {turn.number}. {reply}\n")


def saved_note(recorder: Recorder | NullRecorder, session: Session, lang: str) -> str | None:
    """What to tell a trainee who stopped mid-session (None when there is nothing to say)."""
    if not recorder.enabled or session.is_over or not session.history:
        return None
    if recorder.error is not None:
        return tr("rec_failed", lang, error=str(recorder.error))
    return tr("rec_saved", lang)


def unfinished_scenarios(db: str | None, trainee: str | None) -> set[str]:
    """Ids of the scenarios the trainee left unfinished (empty when records are unusable),
    so a menu can mark them; picking one offers to continue it."""
    try:
        with open_store(db, create=False) as store:
            return {s.scenario_id for s in store.unfinished(trainee or default_trainee())
                    if s.turns > 0}
    except StoreError:
        return set()


def unfinished_mark(lang: str) -> str:
    """The menu's mark for a scenario with an unfinished session."""
    return tr("rec_mark", lang)
