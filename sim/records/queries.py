"""Read-only queries over the records database (history, best scores, mastery, heatmaps)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.records.models import BestScore, SessionInfo, StepMastery, TurnRow
from sim.records.schema import STEPS

if TYPE_CHECKING:
    from sim.records.store import Store

_SESSION_SQL = """
SELECT s.id, s.uid, t.name AS trainee, s.scenario_id, s.scenario_hash, s.scenario_path,
       s.lang, s.mode, s.started_at, s.ended_at, s.status, s.ending, s.outcome, s.score,
       s.origin, s.seed, s.scoring_version,
       (SELECT count(*) FROM turn WHERE turn.session_id = s.id) AS turns
FROM session s JOIN trainee t ON t.id = s.trainee_id
"""


def _score(value: Any) -> float | None:
    """A stored score as a float (the INTEGER column keeps 88.0 as 88, 99.5 as REAL)."""
    return None if value is None else float(value)


def _info(row: Any) -> SessionInfo:
    return SessionInfo(
        id=row["id"], uid=row["uid"], trainee=row["trainee"], scenario_id=row["scenario_id"],
        scenario_hash=row["scenario_hash"], scenario_path=row["scenario_path"],
        lang=row["lang"], mode=row["mode"], started_at=row["started_at"],
        ended_at=row["ended_at"], status=row["status"], ending=row["ending"],
        outcome=row["outcome"], score=_score(row["score"]), turns=row["turns"],
        origin=row["origin"], seed=row["seed"], scoring_version=row["scoring_version"],
    )


#: What a session's row says about it, in the window's history and the terminal's alike:
#: ``finished``; ``open`` (replies given and none since: offered to continue);
#: ``not_started`` (left before the first reply: nothing to continue or to show);
#: ``discarded`` (the trainee chose to start over or to drop it after replying).
SESSION_STATES = ("finished", "open", "not_started", "discarded")


def session_state(info: SessionInfo) -> str:
    """The honest state of a recorded session (one of :data:`SESSION_STATES`).

    A session with no reply is ``not_started`` whether it is still marked open or was
    closed: there is nothing in it to continue, so it is never offered for resume and
    never called "not finished".
    """
    if info.status == "finished":
        return "finished"
    if info.turns == 0:
        return "not_started"
    return "open" if info.status == "playing" else "discarded"


def _match(where: list[str], params: list[Any], column: str, value: Any) -> None:
    """``column = value``, or ``column IN (...)`` for a collection of values (the
    scenarios of one industry)."""
    if isinstance(value, list | tuple | set | frozenset):
        values = sorted(value)
        if not values:
            where.append("1 = 0")
            return
        where.append(f"{column} IN ({', '.join('?' * len(values))})")
        params.extend(values)
    else:
        where.append(f"{column} = ?")
        params.append(value)


def sessions(
    store: Store,
    *,
    trainee: str | None = None,
    scenario: str | tuple[str, ...] | None = None,
    status: str | None = None,
    session_id: int | None = None,
    limit: int | None = None,
    newest_first: bool = True,
) -> list[SessionInfo]:
    """Sessions matching every given filter."""
    where, params = [], []
    for column, value in (("t.name", trainee), ("s.scenario_id", scenario),
                          ("s.status", status), ("s.id", session_id)):
        if value is not None:
            _match(where, params, column, value)
    sql = _SESSION_SQL + (" WHERE " + " AND ".join(where) if where else "")
    order = "DESC" if newest_first else "ASC"
    sql += f" ORDER BY s.started_at {order}, s.id {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [_info(r) for r in store.read(sql, params)]


def turns(store: Store, session_id: int) -> list[TurnRow]:
    """The stored turns of one session, in order."""
    rows = store.read(
        """SELECT number, node, choice_index, choice_id, reply, step, quality, emotion, trust,
                  pitfall, played_at, typed FROM turn WHERE session_id = ? ORDER BY number""",
        (session_id,),
    )
    return [TurnRow(**dict(r)) for r in rows]


def best_scores(store: Store, trainee: str) -> dict[str, BestScore]:
    """Best finished score per scenario (earliest session wins a tie)."""
    rows = store.read(
        """SELECT s.scenario_id, s.score, s.ending, s.outcome, s.started_at,
                  count(*) OVER (PARTITION BY s.scenario_id) AS n,
                  row_number() OVER (PARTITION BY s.scenario_id
                                     ORDER BY s.score DESC, s.started_at ASC) AS rank
           FROM session s JOIN trainee t ON t.id = s.trainee_id
           WHERE t.name = ? AND s.status = 'finished' AND s.score IS NOT NULL""",
        (trainee,),
    )
    return {
        r["scenario_id"]: BestScore(r["scenario_id"], float(r["score"]), r["ending"], r["outcome"],
                                    r["started_at"], r["n"])
        for r in rows if r["rank"] == 1
    }


def mastery(
    store: Store, *, trainee: str | None = None, last: int = 10,
    scenario: str | tuple[str, ...] | None = None,
) -> dict[str, StepMastery]:
    """Step statuses counted over each trainee's ``last`` finished sessions."""
    where, params = ["s.status = 'finished'"], []
    if trainee is not None:
        where.append("t.name = ?")
        params.append(trainee)
    if scenario is not None:
        _match(where, params, "s.scenario_id", scenario)
    params.append(int(last))
    rows = store.read(
        f"""WITH recent AS (
                SELECT s.id, row_number() OVER (PARTITION BY s.trainee_id
                                                ORDER BY s.started_at DESC, s.id DESC) AS k
                FROM session s JOIN trainee t ON t.id = s.trainee_id
                WHERE {' AND '.join(where)})
            SELECT st.step, st.status, count(*) AS n
            FROM session_step st JOIN recent r ON r.id = st.session_id
            WHERE r.k <= ? GROUP BY st.step, st.status""",
        params,
    )
    counts: dict[str, dict[str, int]] = {step: {} for step in STEPS}
    for r in rows:
        if r["step"] in counts:
            counts[r["step"]][r["status"]] = r["n"]
    return {step: StepMastery(step, **c) for step, c in counts.items()}


@dataclass(frozen=True, slots=True)
class ChoiceTally:
    """How often one reply was picked at one node of a scenario."""

    node: str
    key: str  # the choice id, or "#n" for the n-th choice of a node without ids
    choice_index: int
    count: int
    reply: str  # the text last recorded for it (used when the scenario has changed)
    step: str | None
    quality: str


def typed_replies(
    store: Store, scenario_id: str, *, trainee: str | None = None, per_reply: int = 5
) -> dict[tuple[str, str], list[str]]:
    """What trainees typed in the own-words mode, per (node, reply key): the newest
    ``per_reply`` different texts each, so a trainer sees what new hires actually say."""
    where, params = ["s.scenario_id = ?", "t.typed IS NOT NULL"], [scenario_id]
    if trainee is not None:
        where.append("tr.name = ?")
        params.append(trainee)
    rows = store.read(
        f"""SELECT t.node, coalesce(t.choice_id, '#' || (t.choice_index + 1)) AS key,
                   t.typed FROM turn t JOIN session s ON s.id = t.session_id
                        JOIN trainee tr ON tr.id = s.trainee_id
            WHERE {' AND '.join(where)}
            ORDER BY t.played_at DESC, s.id DESC, t.number DESC""",
        params,
    )
    out: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        texts = out.setdefault((r["node"], r["key"]), [])
        if len(texts) < per_reply and r["typed"] not in texts:
            texts.append(r["typed"])
    return out


@dataclass(frozen=True, slots=True)
class TypedTurn:
    """One reply a trainee typed in their own words, with the authored reply it was
    taken as (the trainer's CSV lists them one a row)."""

    session_id: int
    number: int  # the reply's place in its session (1-based)
    node: str
    key: str  # the choice id, or "#n" for the n-th choice of a node without ids
    reply: str  # the authored reply as recorded (in the session's language)
    step: str | None
    quality: str
    typed: str
    played_at: str


def typed_turns(store: Store, session_ids: list[int]) -> dict[int, list[TypedTurn]]:
    """The typed replies of the given sessions, per session in the order played."""
    out: dict[int, list[TypedTurn]] = {}
    if not session_ids:
        return out
    wanted = set(session_ids)
    rows = store.read(
        """SELECT session_id, number, node,
                  coalesce(choice_id, '#' || (choice_index + 1)) AS key,
                  reply, step, quality, typed, played_at
           FROM turn WHERE typed IS NOT NULL ORDER BY session_id, number""")
    for r in rows:
        if r["session_id"] in wanted:
            out.setdefault(r["session_id"], []).append(TypedTurn(
                r["session_id"], r["number"], r["node"], r["key"], r["reply"], r["step"],
                r["quality"], r["typed"], r["played_at"]))
    return out


def choice_tallies(
    store: Store, scenario_id: str, *, trainee: str | None = None
) -> list[ChoiceTally]:
    """Every (node, choice) picked in a scenario with its count, over all sessions."""
    where, params = ["s.scenario_id = ?"], [scenario_id]
    if trainee is not None:
        where.append("tr.name = ?")
        params.append(trainee)
    rows = store.read(
        f"""SELECT t.node, coalesce(t.choice_id, '#' || (t.choice_index + 1)) AS key,
                   max(t.choice_index) AS choice_index, count(*) AS n,
                   max(t.reply) AS reply, max(t.step) AS step, max(t.quality) AS quality
            FROM turn t JOIN session s ON s.id = t.session_id
                        JOIN trainee tr ON tr.id = s.trainee_id
            WHERE {' AND '.join(where)}
            GROUP BY t.node, key ORDER BY t.node, choice_index""",
        params,
    )
    return [ChoiceTally(r["node"], r["key"], r["choice_index"], r["n"], r["reply"],
                        r["step"], r["quality"]) for r in rows]


def choice_counts(
    store: Store, scenario_id: str, *, trainee: str | None = None
) -> dict[str, dict[str, int]]:
    """``{node: {choice key: times picked}}`` for one scenario."""
    out: dict[str, dict[str, int]] = {}
    for tally in choice_tallies(store, scenario_id, trainee=trainee):
        out.setdefault(tally.node, {})[tally.key] = tally.count
    return out
