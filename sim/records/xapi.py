"""Recorded sessions as xAPI 1.0.3 statements for a Learning Record Store (LRS).

Each session becomes, in order: ``initialized`` (when it started); one ``answered`` per
reply (the object is the node as a ``cmi.interaction`` of type ``choice`` listing the
replies it offers, the result's ``response`` is the chosen reply's id, ``success`` is
true for a best or good reply, and the meters and the method step go in
``result.extensions``); ``completed`` for a finished session (``score.scaled`` = score /
100, ``success`` when the customer's problem was resolved, ``duration``, the ending and
each step's result in extensions); ``terminated`` when it ended (finished or stopped).
``context.registration`` is the session's id, ``contextActivities.parent`` the scenario,
``language`` en-US or zh-CN.

Statement ids are UUIDs derived from the session id and the statement's place in it, so
the same session always gives the same statements: sending them again changes nothing
in the LRS (it answers 204 to a statement it already holds).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.records.errors import StoreError, classify
from sim.records.models import SessionInfo, TurnRow
from sim.records.paths import ordinary_permissions

if TYPE_CHECKING:
    from sim.records.store import Store

log = logging.getLogger(__name__)

#: The IRI under which Defuse names its activities and extensions.
BASE_IRI = "https://defuse.example.org/xapi"
#: Namespace of the deterministic statement ids.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE_IRI)

VERBS = {
    "initialized": "http://adlnet.gov/expapi/verbs/initialized",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "terminated": "http://adlnet.gov/expapi/verbs/terminated",
}
LANGUAGES = {"en": "en-US", "zh": "zh-CN"}
EXT = {name: f"{BASE_IRI}/extensions/{name}" for name in (
    "emotion", "trust", "step", "quality", "pitfall", "turn", "steps", "ending",
    "outcome", "scoring-version", "scenario-version", "mode", "seed")}

SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"


@dataclass(frozen=True)
class Actor:
    """How trainees are named to the LRS: by an account on ``home_page`` (the default),
    or, with ``mbox_domain``, by the e-mail address ``name@domain``."""

    home_page: str = f"{BASE_IRI}/trainees"
    mbox_domain: str | None = None

    def of(self, trainee: str) -> dict[str, Any]:
        """The xAPI Agent for a trainee name."""
        if self.mbox_domain:
            local = "".join(ch if ch.isalnum() or ch in "._-" else "." for ch in trainee)
            return {"objectType": "Agent", "name": trainee,
                    "mbox": f"mailto:{local.strip('.') or 'trainee'}@{self.mbox_domain}"}
        return {"objectType": "Agent", "name": trainee,
                "account": {"homePage": self.home_page, "name": trainee}}


def statement_id(info: SessionInfo, key: str) -> str:
    """The fixed id of one statement of a session (``key``: its place in the session)."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{info.uid}/{key}"))


def registration(info: SessionInfo) -> str:
    """The session's id as the UUID xAPI wants for ``context.registration``."""
    try:
        return str(uuid.UUID(hex=info.uid))
    except ValueError:  # an id written by another tool: derive one
        return str(uuid.uuid5(ID_NAMESPACE, info.uid))


def _text(value: Any, lang: str) -> dict[str, str]:
    """A scenario Text (``{"en":..,"zh":..}`` or a string) as an xAPI language map."""
    if isinstance(value, dict):
        return {LANGUAGES.get(k, k): str(v) for k, v in value.items() if v}
    return {LANGUAGES.get(lang, "en-US"): str(value)}


def _iso(moment: str | None) -> str | None:
    """A stored time as an xAPI timestamp (ISO 8601 with a zone)."""
    if not moment:
        return None
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return None
    if parsed.tzinfo is None:  # a time without a zone (a hand-made file): local time
        parsed = parsed.astimezone()
    return parsed.isoformat(timespec="milliseconds")


def duration(start: str | None, end: str | None) -> str | None:
    """ISO 8601 duration between two stored times (``PT95.25S``)."""
    a, b = _iso(start), _iso(end)
    if a is None or b is None:
        return None
    seconds = max(0.0, (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds())
    return f"PT{round(seconds, 2):g}S"


def _choice_id(index: int, choice_id: str | None) -> str:
    return choice_id or f"choice-{index + 1}"


def load_scenario_for(info: SessionInfo, library: str | os.PathLike[str] | None) -> Any:
    """The scenario file that was played (same content hash), or None."""
    from sim.records.resume import _candidates, file_hash
    from sim.scenario import load_scenario

    for path in _candidates(info, library):
        try:
            if file_hash(path) == info.scenario_hash:
                return load_scenario(path)
        except Exception as exc:  # unreadable or invalid now: statements without it
            log.debug("cannot use %s for statements: %s", path, exc)
    return None


def session_statements(info: SessionInfo, turns: list[TurnRow], steps: dict[str, str],
                       *, scenario: Any = None, actor: Actor | None = None) -> list[dict]:
    """The statements of one session (see the module docstring)."""
    actor = actor or Actor()
    agent = actor.of(info.trainee)
    lang = LANGUAGES.get(info.lang, "en-US")
    activity = f"{BASE_IRI}/scenarios/{info.scenario_id}"
    scenario_object: dict[str, Any] = {"objectType": "Activity", "id": activity,
                                       "definition": {"type": SIMULATION}}
    if scenario is not None:
        scenario_object["definition"]["name"] = _text(scenario.title, info.lang)
        scenario_object["definition"]["description"] = _text(scenario.summary, info.lang)
    else:
        scenario_object["definition"]["name"] = {lang: info.scenario_id}
    context = {
        "registration": registration(info),
        "contextActivities": {"parent": [{"objectType": "Activity", "id": activity}]},
        "language": lang,
        "extensions": {EXT["scenario-version"]: info.scenario_hash, EXT["mode"]: info.mode},
    }
    if info.seed is not None:
        context["extensions"][EXT["seed"]] = info.seed

    def statement(key: str, verb: str, obj: dict, when: str | None,
                  result: dict | None = None) -> dict:
        out: dict[str, Any] = {
            "id": statement_id(info, key), "actor": agent,
            "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
            "object": obj, "context": context,
        }
        if result is not None:
            out["result"] = result
        stamp = _iso(when)
        if stamp is not None:
            out["timestamp"] = stamp
        return out

    top = {"objectType": "Activity", "id": activity,
           "definition": scenario_object["definition"]}
    out = [statement("initialized", "initialized", top, info.started_at)]
    for turn in turns:
        out.append(statement(f"answered/{turn.number}", "answered",
                             _node_activity(info, turn, scenario, activity),
                             turn.played_at, _turn_result(turn)))
    if info.status == "finished":
        result: dict[str, Any] = {"completion": True,
                                  "success": info.outcome == "resolved",
                                  "extensions": {EXT["steps"]: dict(steps),
                                                 EXT["ending"]: info.ending,
                                                 EXT["outcome"]: info.outcome}}
        if info.score is not None:
            score = round(float(info.score), 1)
            result["score"] = {"scaled": round(score / 100, 3), "raw": score, "min": 0,
                               "max": 100}
        if info.scoring_version is not None:
            result["extensions"][EXT["scoring-version"]] = info.scoring_version
        spent = duration(info.started_at, info.ended_at)
        if spent is not None:
            result["duration"] = spent
        out.append(statement("completed", "completed", top, info.ended_at, result))
    if info.status in ("finished", "abandoned"):
        out.append(statement("terminated", "terminated", top, info.ended_at or
                             (turns[-1].played_at if turns else info.started_at)))
    return out


def _node_activity(info: SessionInfo, turn: TurnRow, scenario: Any, parent: str) -> dict:
    definition: dict[str, Any] = {"type": INTERACTION, "interactionType": "choice"}
    node = scenario.nodes.get(turn.node) if scenario is not None else None
    if node is not None:
        definition["description"] = _text(node.say, info.lang)
        definition["choices"] = [
            {"id": _choice_id(i, c.id), "description": _text(c.reply, info.lang)}
            for i, c in enumerate(node.choices)]
    else:  # the scenario file changed or is gone: the reply that was given
        definition["choices"] = [{"id": _choice_id(turn.choice_index, turn.choice_id),
                                  "description": {LANGUAGES.get(info.lang, "en-US"):
                                                  turn.reply}}]
    definition["name"] = {"en-US": turn.node}
    return {"objectType": "Activity", "id": f"{parent}/nodes/{turn.node}",
            "definition": definition}


def _turn_result(turn: TurnRow) -> dict:
    extensions: dict[str, Any] = {EXT["turn"]: turn.number, EXT["emotion"]: turn.emotion,
                                  EXT["trust"]: turn.trust, EXT["quality"]: turn.quality}
    if turn.step:
        extensions[EXT["step"]] = turn.step
    if turn.pitfall:
        extensions[EXT["pitfall"]] = turn.pitfall
    return {"response": _choice_id(turn.choice_index, turn.choice_id),
            "success": turn.quality in ("best", "good"), "extensions": extensions}


def _steps(store: Store, session_id: int) -> dict[str, str]:
    rows = store.read("SELECT step, status FROM session_step WHERE session_id = ?",
                      (session_id,))
    return {r["step"]: r["status"] for r in rows}


def statements(store: Store, *, trainee: str | None = None,
               library: str | os.PathLike[str] | None = None,
               actor: Actor | None = None) -> Iterator[dict]:
    """Every recorded session's statements, oldest session first."""
    scenarios: dict[tuple[str, str], Any] = {}
    for info in store.sessions(trainee=trainee, newest_first=False):
        key = (info.scenario_id, info.scenario_hash)
        if key not in scenarios:
            scenarios[key] = load_scenario_for(info, library)
        yield from session_statements(info, store.turns(info.id), _steps(store, info.id),
                                      scenario=scenarios[key], actor=actor)


def write_jsonl(store: Store, out: Path, **options: Any) -> int:
    """Write the statements to ``out``, one JSON object a line (replaced atomically);
    returns how many."""
    import tempfile

    try:
        fd, tmp_name = tempfile.mkstemp(prefix=out.name + ".", suffix=".part", dir=out.parent)
    except OSError as exc:
        raise classify(out, exc) from exc
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for st in statements(store, **options):
                fh.write(json.dumps(st, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        ordinary_permissions(Path(tmp_name))
        os.replace(tmp_name, out)
    except OSError as exc:
        raise classify(out, exc) from exc
    except StoreError:
        raise
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return count
