"""Cross-reference checks on a scenario's raw data, located by the YAML tree.

They run on the raw mapping rather than the validated model so that a file with a
typo in one place still gets every other problem reported in the same run; anything
of the wrong shape is skipped here (the model's checks report it).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from typing import Any

from sim.scenario.conditions import METERS, ConditionSyntaxError, parse_condition
from sim.scenario.problems import Problem, did_you_mean, shorten
from sim.scenario.replykeys import MAX_REPLIES, ReplyKeyError, parse_reply_key
from sim.scenario.yamltree import Tree

PathT = tuple[str | int, ...]
_LANG = re.compile(r"^[a-z]{2}(-[A-Za-z]+)?$")
# a space with a Chinese character or full-width punctuation on both sides
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_CJK_GAP = re.compile(_CJK + " +" + _CJK)
_METER_EXPECT = re.compile(r"^\s*(<=|>=|<|>|==)?\s*([0-9]{1,3})\s*$")
OUTCOMES = ("resolved", "partial", "escalated", "lost")


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


class _Checker:
    def __init__(self, data: dict, tree: Tree, path: str):
        self.data = data
        self.tree = tree
        self.path = path
        self.problems: list[Problem] = []
        self.nodes = _dict(data.get("nodes"))
        self.endings = _dict(data.get("endings"))
        self.facts = _dict(data.get("facts"))
        self.targets = set(self.nodes) | set(self.endings)
        self.flags = {
            name
            for _, _, choice in self.choices()
            for name in _dict(choice.get("set"))
        }

    def add(self, loc: PathT, severity: str, code: str, message: str, hint: str = "",
            *, key: bool = False, offset: int = 0) -> None:
        pos = self.tree.key_pos(loc) if key else self.tree.pos(loc)
        col = pos.col + offset + (1 if offset and pos.quoted else 0)
        node = str(loc[1]) if len(loc) > 1 and loc[0] in ("nodes", "endings") else ""
        self.problems.append(Problem(self.path, pos.line, col, severity,  # type: ignore[arg-type]
                                     code, message, hint, node))

    def choices(self) -> Iterator[tuple[str, int, dict]]:
        for node_id, node in self.nodes.items():
            for i, choice in enumerate(_list(_dict(node).get("choices"))):
                if isinstance(choice, dict):
                    yield node_id, i, choice

    # --- checks ---------------------------------------------------------------------

    def run(self) -> list[Problem]:
        self.check_ids()
        self.check_start()
        self.check_choices()
        self.check_rules()
        self.check_tests()
        self.check_reachability()
        self.check_facts_used()
        self.check_translations()
        return self.problems

    def check_ids(self) -> None:
        for ending_id in self.endings:
            if ending_id in self.nodes:
                self.add(("endings", ending_id), "error", "id-clash",
                         f"'{ending_id}' names both a node and an ending",
                         "nodes and endings share one namespace; rename one", key=True)

    def check_start(self) -> None:
        start = self.data.get("start")
        if not isinstance(start, str):
            return
        if start in self.endings and start not in self.nodes:
            self.add(("start",), "error", "bad-start", f"start '{start}' is an ending",
                     "start must name a node")
        elif start not in self.nodes:
            self.add(("start",), "error", "unknown-target", f"start names no node '{start}'",
                     did_you_mean(start, self.nodes))

    def check_target(self, loc: PathT, target: Any) -> None:
        if isinstance(target, str) and target not in self.targets:
            self.add(loc, "error", "unknown-target",
                     f"goto '{target}' names no node or ending",
                     did_you_mean(target, self.targets) or "add that node or ending, or fix the id")

    def check_condition(self, loc: PathT, source: Any) -> None:
        if not isinstance(source, str | int) or isinstance(source, bool):
            return
        try:
            cond = parse_condition(str(source))
        except ConditionSyntaxError:
            return  # reported by the model's checks
        for ref in cond.references:
            if ref.kind == "flag" and ref.name not in self.flags:
                self.add(loc, "error", "unknown-name",
                         f"in condition {shorten(str(source))!r}: '{ref.name}' is not a meter or a "
                         "flag that any choice sets",
                         did_you_mean(ref.name, [*METERS, *self.flags])
                         or "set it with 'set: {" + ref.name + ": true}' on some choice",
                         offset=ref.offset)
            elif ref.kind == "fact" and ref.name not in self.facts:
                self.add(loc, "error", "unknown-fact",
                         f"in condition {shorten(str(source))!r}: no fact '{ref.name}'",
                         did_you_mean(ref.name, self.facts) or "declare it under 'facts:'",
                         offset=ref.offset)
            elif ref.kind == "node" and ref.name not in self.targets:
                self.add(loc, "error", "unknown-target",
                         f"in condition {shorten(str(source))!r}: no node '{ref.name}'",
                         did_you_mean(ref.name, self.targets), offset=ref.offset)

    def check_choices(self) -> None:
        for node_id, node in self.nodes.items():
            seen: dict[str, int] = {}
            for i, choice in enumerate(_list(_dict(node).get("choices"))):
                if not isinstance(choice, dict):
                    continue
                loc: PathT = ("nodes", node_id, "choices", i)
                cid = choice.get("id")
                if isinstance(cid, str):
                    if cid in seen:
                        self.add((*loc, "id"), "error", "duplicate-id",
                                 f"choice id '{cid}' is used twice in node '{node_id}'",
                                 f"the first is choice {seen[cid] + 1}; ids must be unique "
                                 "within a node")
                    seen.setdefault(cid, i)
                if "step" not in choice:
                    self.add(loc, "warning", "no-step",
                             f"choice {i + 1} of node '{node_id}' has no 'step'",
                             "tag it with the method step it attempts, so the debrief "
                             "can assess it")
                self.check_target((*loc, "goto"), choice.get("goto"))
                self.check_condition((*loc, "if"), choice.get("if"))
                for fact in _list(choice.get("learn")):
                    if isinstance(fact, str) and fact not in self.facts:
                        j = choice["learn"].index(fact)
                        self.add((*loc, "learn", j), "error", "unknown-fact",
                                 f"no fact '{fact}'",
                                 did_you_mean(fact, self.facts) or "declare it under 'facts:'")
                branch = choice.get("branch")
                routes = _list(branch)
                for j, route in enumerate(routes):
                    if not isinstance(route, dict):
                        continue
                    rloc: PathT = (*loc, "branch", j)
                    self.check_target((*rloc, "goto"), route.get("goto"))
                    self.check_condition((*rloc, "if"), route.get("if"))
                    last = j == len(routes) - 1
                    if last and "if" in route:
                        self.add(rloc, "error", "branch-default",
                                 "the last entry of a branch must have no 'if'",
                                 "add a final '- {goto: NODE}' as the default route")
                    elif not last and "if" not in route:
                        self.add(rloc, "error", "branch-order",
                                 "only the last entry of a branch may omit 'if'",
                                 "entries after a default can never be taken; move the "
                                 "default to the end")

    def check_rules(self) -> None:
        for i, rule in enumerate(_list(self.data.get("rules"))):
            if isinstance(rule, dict):
                self.check_target(("rules", i, "goto"), rule.get("goto"))
                self.check_condition(("rules", i, "if"), rule.get("if"))

    def check_tests(self) -> None:
        tests = _list(self.data.get("tests"))
        if not tests:
            return
        # what a plan may name: any reply's id, or a number up to the widest node
        ids = {c.get("id") for _, _, c in self.choices() if isinstance(c.get("id"), str)}
        widest = max((len(_list(_dict(n).get("choices"))) for n in self.nodes.values()),
                     default=MAX_REPLIES)
        for i, test in enumerate(tests):
            self.check_plan(i, _list(_dict(test).get("choose")), ids, widest)
            expect = _dict(_dict(test).get("expect"))
            ending = expect.get("ending")
            if isinstance(ending, str) and ending not in self.endings:
                self.add(("tests", i, "expect", "ending"), "error", "unknown-ending",
                         f"the test expects ending '{ending}', which does not exist",
                         did_you_mean(ending, self.endings))
            outcome = expect.get("outcome")
            outcomes = {o for e in self.endings.values()
                        if isinstance(o := _dict(e).get("outcome"), str)}
            if isinstance(outcome, str) and outcome in OUTCOMES and outcome not in outcomes:
                self.add(("tests", i, "expect", "outcome"), "error", "unknown-ending",
                         f"the test expects outcome '{outcome}', but no ending has it",
                         "ending outcomes here: " + ", ".join(sorted(map(str, outcomes))))
            if isinstance(ending, str) and isinstance(outcome, str) and ending in self.endings:
                has = _dict(self.endings[ending]).get("outcome")
                if isinstance(has, str) and has != outcome:
                    self.add(("tests", i, "expect", "outcome"), "error", "impossible-expect",
                             f"the test expects ending '{ending}' with outcome '{outcome}', "
                             f"but that ending's outcome is '{has}'", "remove one of the two")
            low, high = expect.get("min_score"), expect.get("max_score")
            if (isinstance(low, int) and isinstance(high, int) and low > high
                    and not isinstance(low, bool) and not isinstance(high, bool)):
                self.add(("tests", i, "expect", "max_score"), "error", "impossible-expect",
                         f"max_score {high} is below min_score {low}; no play can pass",
                         "swap them")
            for meter in ("emotion", "trust"):
                wanted = expect.get(meter)
                if isinstance(wanted, int) and not isinstance(wanted, bool) and not (
                        0 <= wanted <= 100):
                    self.add(("tests", i, "expect", meter), "error", "out-of-range",
                             f"{meter} {wanted} can never happen: meters run from 0 to 100",
                             "use a whole number from 0 to 100")
                elif isinstance(wanted, str):
                    m = _METER_EXPECT.match(wanted)
                    if m and int(m.group(2)) > 100:
                        self.add(("tests", i, "expect", meter), "error", "out-of-range",
                                 f"{meter} {wanted.strip()!r}: meters run from 0 to 100",
                                 "compare with a whole number from 0 to 100")

    def check_plan(self, index: int, plan: list, ids: set[str], widest: int) -> None:
        """Each reply of a test's ``choose`` names a reply number or an existing id."""
        for j, token in enumerate(plan):
            if not isinstance(token, str | int):
                continue  # the wrong type is reported by the model's checks
            loc: PathT = ("tests", index, "choose", j)
            try:
                key = parse_reply_key(token)
            except ReplyKeyError as exc:
                self.add(loc, "error", "bad-reply", f"reply {j + 1} of the plan: {exc}")
                continue
            if isinstance(key, int) and key > widest:
                self.add(loc, "error", "bad-reply",
                         f"reply {j + 1} of the plan: there is no reply {key}; no node here "
                         f"offers more than {widest}")
            elif isinstance(key, str) and key not in ids:
                self.add(loc, "error", "unknown-reply",
                         f"reply {j + 1} of the plan: no choice has the id '{key}'",
                         did_you_mean(key, ids) or "give the choice an 'id:' or use its "
                         "number among the replies offered")

    def edges(self, node_id: str) -> Iterator[str]:
        for choice in _list(_dict(self.nodes.get(node_id)).get("choices")):
            if not isinstance(choice, dict):
                continue
            if isinstance(choice.get("goto"), str):
                yield choice["goto"]
            for route in _list(choice.get("branch")):
                if isinstance(route, dict) and isinstance(route.get("goto"), str):
                    yield route["goto"]
        for rule in _list(self.data.get("rules")):
            if isinstance(rule, dict) and isinstance(rule.get("goto"), str):
                yield rule["goto"]

    def check_reachability(self) -> None:
        start = self.data.get("start")
        if not isinstance(start, str) or start not in self.nodes:
            return
        seen = {start}
        queue = deque([start])
        while queue:
            for target in self.edges(queue.popleft()):
                if target in self.nodes and target not in seen:
                    seen.add(target)
                    queue.append(target)
                elif target in self.endings:
                    seen.add(target)
        if not any(e in seen for e in self.endings):
            self.add(("start",), "error", "no-ending",
                     "no ending can be reached from the start node",
                     "add a goto to an ending somewhere on the path")
        for node_id in self.nodes:
            if node_id not in seen:
                self.add(("nodes", node_id), "warning", "unreachable",
                         f"node '{node_id}' can't be reached from '{start}'",
                         "add a goto to it or remove it", key=True)
        for ending_id in self.endings:
            if ending_id not in seen:
                self.add(("endings", ending_id), "warning", "unreachable",
                         f"ending '{ending_id}' can't be reached from '{start}'",
                         "add a goto to it or remove it", key=True)

    def check_facts_used(self) -> None:
        learned = {f for _, _, c in self.choices() for f in _list(c.get("learn"))
                   if isinstance(f, str)}
        for fact in self.facts:
            if fact not in learned:
                self.add(("facts", fact), "warning", "unused-fact",
                         f"fact '{fact}' is never learned",
                         "add it to some choice's 'learn' list", key=True)

    def check_translations(self) -> None:
        texts = list(iter_texts(self.data))
        langs = {lang for _, t in texts if isinstance(t, dict) for lang in t
                 if isinstance(lang, str) and _LANG.match(lang)}
        for loc, text in texts:
            if isinstance(text, dict) and isinstance(text.get("zh"), str) and _CJK_GAP.search(
                    text["zh"]):
                self.add(loc, "warning", "cjk-space",
                         "the Chinese text has a space between two Chinese characters",
                         "YAML joins the lines of a '>' block with spaces: write Chinese text "
                         "on one line, or remove the space")
            if isinstance(text, dict) and all(isinstance(k, str) and _LANG.match(k) for k in text):
                missing = sorted(langs - set(text))
                if missing:
                    self.add(loc, "warning", "missing-translation",
                             f"this text has no {', '.join(missing)} version",
                             "add " + ", ".join(f"'{m}: ...'" for m in missing))


_TEXT_KEYS_TOP = ("title", "summary", "briefing", "authority", "teaches")


def iter_texts(data: dict) -> Iterator[tuple[PathT, Any]]:
    """Every Text value in the file, with its path."""
    for key in _TEXT_KEYS_TOP:
        if key in data:
            yield (key,), data[key]
    customer = _dict(data.get("customer"))
    for key in ("name", "role"):
        if key in customer:
            yield ("customer", key), customer[key]
    for fact, text in _dict(data.get("facts")).items():
        yield ("facts", fact), text
    for node_id, node in _dict(data.get("nodes")).items():
        node = _dict(node)
        for key in ("say", "note"):
            if key in node:
                yield ("nodes", node_id, key), node[key]
        for i, choice in enumerate(_list(node.get("choices"))):
            for key in ("reply", "why"):
                if key in _dict(choice):
                    yield ("nodes", node_id, "choices", i, key), choice[key]
    for ending_id, ending in _dict(data.get("endings")).items():
        for key in ("title", "say", "epilogue"):
            if key in _dict(ending):
                yield ("endings", ending_id, key), ending[key]


def check(data: dict, tree: Tree, path: str) -> list[Problem]:
    """Every cross-reference error and content warning in a scenario's raw data."""
    return _Checker(data, tree, path).run()
