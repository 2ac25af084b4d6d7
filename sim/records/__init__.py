"""Records: every session kept in SQLite, resumable, and reported to trainers.

No pygame here; the window (``sim.ui``) and the terminal player (``sim.console``)
both use this API. The database is one file: ``--db PATH``, else ``$DEFUSE_DB``, else
``records.sqlite3`` in the ``platformdirs`` user data directory. For a cohort it is a
PostgreSQL database instead (``--db postgresql://user@host/dbname``; the same API,
``sim.records.postgres``); players then get a ``sim.records.outbox.CohortStore``, which
keeps play going in a local outbox while the server is away (``store.offline``,
``store.on_offline``). ``sim.records.xapi`` turns sessions into xAPI statements and
``sim.records.lrs`` sends them to a Learning Record Store.

Opening
-------
``open_store(path=None, create=True) -> Store``
    Opens, creates or migrates the database (backing it up first as
    ``records.sqlite3.v1.bak``; the path is in ``store.backup_path``). Raises
    ``StoreError`` for a file that cannot be used; ``str(err)`` names the file and says
    why, ``err.kind`` is ``corrupt | foreign | newer | locked | readonly | full | io |
    missing``. The file is never changed in that case. Offer the trainee to play
    without recording: use ``NullRecorder()`` in place of a recorder.

Recording a session (commit every turn as it is played)
-------------------------------------------------------
::

    store = open_store(args.db)
    seed = new_seed()              # the session's reply order (sim.engine.new_seed)
    recorder = store.start(trainee, scenario, lang="en", mode="window", seed=seed)
    session = Session(scenario, seed=seed)
    recorder.attach(session)       # subscribes to the engine's events
    recorder.on_error = show_notice  # optional: a write failed (disk full, ...)
    ...                            # play: each turn is on disk when choose() returns
    # when the session ends, the recorder stores ending, outcome, score and steps
    # (it runs sim.coach.assess itself; recorder.debrief holds the result)

Closing the window mid-session needs nothing: the session stays open and is offered
at the next start. ``recorder.abandon()`` closes it without an ending (the trainee
chose "start over").

Resuming at start-up
--------------------
::

    for info in store.unfinished(trainee):          # SessionInfo, newest first
        plan = store.plan_resume(info, library_dir)   # ResumePlan
        # plan.state: "ready" | "changed" | "missing"; plan.message: {"en":..,"zh":..}
        if plan.state == "ready":
            session, recorder = store.resume(plan)    # replayed, recorder attached
        elif plan.state == "changed":
            recorder = store.restart(plan, seed)      # new session on the new file
            session = Session(plan.scenario, seed=seed); recorder.attach(session)
        else:
            store.abandon(info.id)

History, best scores, mastery (for the history screen)
------------------------------------------------------
``store.trainees() -> list[str]``
``store.sessions(trainee=None, scenario=None, status=None, limit=None)``
    ``-> list[SessionInfo]`` newest first (id, uid, trainee, scenario_id, lang, mode,
    started_at, ended_at, status, ending, outcome, score, turns); ``score`` is a float
    0..100 with one decimal, shown as ``format_score(score)`` (``99.5``, ``88``).
``store.best_scores(trainee) -> dict[scenario_id, BestScore]``
    (score, ending, outcome, played_at, sessions).
``store.progress(trainee, scenario=None) -> list[SessionInfo]`` finished, oldest first.
``store.mastery(trainee=None, last=10) -> dict[step, StepMastery]``
    counts of excellent / done / weak / missed over each trainee's last ``last``
    finished sessions; ``.share(status)`` and ``.rate`` (0..1).
``store.turns(session_id) -> list[TurnRow]``; ``store.choice_counts(scenario_id)``.

Sharing and reporting
---------------------
``export_db(store, out, trainee=None)``, ``import_db(store, file) -> ImportResult``;
``sim.records.report.write_report(...)`` writes the trainer's HTML or CSV report.
"""

from __future__ import annotations

from sim.records.errors import ResumeError, StoreError
from sim.records.exchange import ImportResult, export_db, import_db
from sim.records.models import BestScore, SessionInfo, StepMastery, TurnRow, format_score
from sim.records.paths import default_db_path, resolve_db_path
from sim.records.recorder import NullRecorder, Recorder
from sim.records.resume import ResumePlan
from sim.records.schema import SCHEMA_VERSION
from sim.records.store import Store, open_store

__all__ = [
    "SCHEMA_VERSION",
    "BestScore",
    "ImportResult",
    "NullRecorder",
    "Recorder",
    "ResumeError",
    "ResumePlan",
    "SessionInfo",
    "StepMastery",
    "Store",
    "StoreError",
    "TurnRow",
    "default_db_path",
    "export_db",
    "format_score",
    "import_db",
    "open_store",
    "resolve_db_path",
]
