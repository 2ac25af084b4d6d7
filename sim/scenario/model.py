"""The scenario format, version 1, as immutable pydantic models.

These models check shapes and types (and generate the JSON Schema editors use); the
cross-references between ids, conditions and reachability are checked in
:mod:`sim.scenario.checks`, which has the positions to point at.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from sim.scenario.conditions import Condition, ConditionSyntaxError, parse_condition

FORMAT_VERSION = 1
STEPS = ("listen", "apologize", "clarify", "solve", "commit")
QUALITIES = ("best", "good", "poor", "harmful")
PITFALLS = ("argue", "excuse", "blame", "overpromise", "dismiss", "sidetrack", "stonewall",
            "threaten")
OUTCOMES = ("resolved", "partial", "escalated", "lost")
STATUSES = ("excellent", "done", "weak", "missed")

Step = Literal["listen", "apologize", "clarify", "solve", "commit"]
Quality = Literal["best", "good", "poor", "harmful"]
Pitfall = Literal["argue", "excuse", "blame", "overpromise", "dismiss", "sidetrack", "stonewall",
                  "threaten"]
Outcome = Literal["resolved", "partial", "escalated", "lost"]
Status = Literal["excellent", "done", "weak", "missed"]

ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
SCENARIO_ID_PATTERN = r"^[a-z0-9-]+$"

Id = Annotated[str, StringConstraints(strict=True, pattern=ID_PATTERN, max_length=64)]
ScenarioId = Annotated[str, StringConstraints(strict=True, pattern=SCENARIO_ID_PATTERN,
                                              max_length=64)]
LangCode = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z]{2}(-[A-Za-z]+)?$")]
NonEmpty = Annotated[str, StringConstraints(strict=True, min_length=1)]
Text = NonEmpty | Annotated[dict[LangCode, NonEmpty], Field(min_length=1)]
Meter = Annotated[StrictInt, Field(ge=0, le=100)]
Delta = Annotated[StrictInt, Field(ge=-100, le=100)]


def _parse_condition(value: Any) -> Condition:
    if isinstance(value, Condition):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PydanticCustomError("condition_type", "a condition must be written as text, "
                                  "e.g. 'emotion < 50'", {"hint": "quote it if needed"})
    try:
        return parse_condition(str(value))
    except ConditionSyntaxError as exc:
        raise PydanticCustomError("condition", "{message}",
                                  {"message": exc.message, "offset": exc.offset,
                                   "hint": exc.hint}) from None


ConditionField = Annotated[
    Condition,
    PlainValidator(_parse_condition),
    PlainSerializer(lambda c: c.source, return_type=str),
    WithJsonSchema({"type": "string", "description": "a condition, e.g. 'emotion >= 60 and "
                    "learned(no_classroom)'"}),
]

_FROZEN = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                     arbitrary_types_allowed=True)


class Customer(BaseModel):
    """The person the trainee faces, with the meters' starting values."""

    model_config = _FROZEN
    name: Text
    role: Text
    emotion: Meter = Field(description="start value, 0 (calm) .. 100 (furious)")
    trust: Meter = Field(description="start value, 0 .. 100")
    look: dict[str, Any] = Field(default_factory=dict,
                                 description="portrait parameters, read by the game window")


class Effects(BaseModel):
    """Meter deltas a reply causes; meters clamp to 0..100."""

    model_config = _FROZEN
    emotion: Delta = 0
    trust: Delta = 0


class Route(BaseModel):
    """One entry of a ``branch``: go to ``goto`` if ``if`` holds (no ``if``: the default)."""

    model_config = _FROZEN
    when: ConditionField | None = Field(default=None, alias="if")
    goto: Id


class Rule(BaseModel):
    """Checked after every choice's effects, before its route; first match wins."""

    model_config = _FROZEN
    when: ConditionField = Field(alias="if")
    goto: Id


class Choice(BaseModel):
    """A reply the trainee can give, with its method step, quality and consequences."""

    model_config = _FROZEN
    id: Id | None = None
    reply: Text
    step: Step | None = None
    quality: Quality = "good"
    pitfall: Pitfall | None = None
    effects: Effects = Field(default_factory=Effects)
    learn: list[Id] = Field(default_factory=list)
    set: dict[Id, StrictBool | StrictInt] = Field(default_factory=dict)
    why: Text | None = None
    examples: Annotated[list[Annotated[str, StringConstraints(strict=True, min_length=1,
                                                              max_length=500)]],
                        Field(max_length=50)] = Field(
        default_factory=list, description="more ways a trainee might say this reply, in "
        "any language: the own-words mode matches typed text against these too")
    when: ConditionField | None = Field(default=None, alias="if")
    goto: Id | None = None
    branch: Annotated[list[Route], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one_route(self) -> Choice:
        if (self.goto is None) == (self.branch is None):
            raise PydanticCustomError(
                "route",
                "a choice needs exactly one of 'goto' or 'branch'",
                {"hint": "add 'goto: NODE', or a 'branch' list whose last entry has no 'if'"},
            )
        return self


class Node(BaseModel):
    """A moment in the conversation: the customer speaks, the trainee picks a reply."""

    model_config = _FROZEN
    say: Text
    note: Text | None = None
    shuffle: StrictBool = Field(
        default=True, description="false keeps the replies in the order written, where the "
        "order carries meaning; otherwise each session shows them in its own shuffled order")
    choices: Annotated[list[Choice], Field(min_length=1, max_length=6)]


class Ending(BaseModel):
    """How the conversation ends."""

    model_config = _FROZEN
    outcome: Outcome
    title: Text
    say: Text | None = None
    epilogue: Text | None = None


MeterExpectation = StrictInt | Annotated[
    str, StringConstraints(strict=True, pattern=r"^\s*(<=|>=|<|>|==)?\s*[0-9]{1,3}\s*$")
]


class Expect(BaseModel):
    """What a play-through test expects at its end."""

    model_config = _FROZEN
    ending: Id | None = None
    outcome: Outcome | Annotated[list[Outcome], Field(min_length=1)] | None = Field(
        default=None, description="an outcome, or a list of outcomes any of which passes "
        "(e.g. [lost, escalated, partial])")
    min_score: Annotated[StrictInt, Field(ge=0, le=100)] | None = None
    max_score: Annotated[StrictInt, Field(ge=0, le=100)] | None = None
    emotion: MeterExpectation | None = None
    trust: MeterExpectation | None = None
    steps: dict[Step, Status] = Field(default_factory=dict)


Player = Literal["longest", "shortest", "first", "last", "apology", "random"]


class PlayTest(BaseModel):
    """A play-through test: the replies to choose (or a content-blind ``player`` that
    picks them) and what must hold at the end."""

    model_config = _FROZEN
    name: NonEmpty
    choose: list[StrictInt | StrictStr] | None = None
    player: Player | None = Field(
        default=None, description="instead of 'choose': a content-blind player who always "
        "gives the longest, shortest, first or last reply, one opening with an apology "
        "(else the longest), or a random one")
    lang: LangCode | None = Field(default=None, description="the language whose replies a "
                                  "'longest', 'shortest' or 'apology' player reads (default en)")
    seed: StrictInt | None = Field(default=None, description="the 'random' player's seed "
                                   "(default 0)")
    expect: Expect = Field(default_factory=Expect)

    @model_validator(mode="after")
    def _one_plan(self) -> PlayTest:
        if (self.choose is None) == (self.player is None):
            raise PydanticCustomError(
                "plan", "a test needs exactly one of 'choose' or 'player'",
                {"hint": "'choose: [reply ids or numbers]', or 'player: longest' (also "
                         "shortest, first, last, apology, random)"})
        return self


class Scenario(BaseModel):
    """A whole scenario file, validated. Build it with :func:`sim.scenario.load_scenario`."""

    model_config = _FROZEN
    format: Literal[1]
    id: ScenarioId
    title: Text
    summary: Text
    difficulty: Annotated[StrictInt, Field(ge=1, le=5)]
    tags: list[NonEmpty] = Field(default_factory=list)
    briefing: Text
    authority: Text | None = Field(
        default=None, description="what the trainee may decide without asking (e.g. a "
        "compensation budget); shown on the case brief")
    teaches: Text | None = Field(
        default=None, description="one line: the technique this case teaches (e.g. demand "
        "decomposition); shown in the menu beside the summary")
    customer: Customer
    facts: dict[Id, Text] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    start: Id
    nodes: Annotated[dict[Id, Node], Field(min_length=1)]
    endings: Annotated[dict[Id, Ending], Field(min_length=1)]
    tests: list[PlayTest] = Field(default_factory=list)

    _source_path: str | None = PrivateAttr(default=None)
    _content_hash: str = PrivateAttr(default="")
    _tree: Any = PrivateAttr(default=None)  # the file's positions, worked out on demand

    @property
    def source_path(self) -> str | None:
        """The file this scenario was loaded from (None if built in memory)."""
        return self._source_path

    @property
    def content_hash(self) -> str:
        """SHA-256 of the file's bytes: records use it to notice edited scenarios."""
        return self._content_hash

    def line_of(self, *path: str | int) -> int:
        """The file line of a node, ending, test or choice, e.g. ``line_of("nodes", "opening")``.

        A path ending in a name gives the line of that key, one ending in an index the line
        of that list entry; 0 for a scenario built in memory.
        """
        if self._tree is None:
            return 0
        if isinstance(path[-1], str):
            return int(self._tree.key_pos(tuple(path)).line)
        return int(self._tree.pos(tuple(path)).line)

    def target(self, target_id: str) -> Node | Ending:
        """The node or ending with this id."""
        return self.nodes.get(target_id) or self.endings[target_id]

    def flag_names(self) -> set[str]:
        """Every flag some choice sets."""
        return {name for node in self.nodes.values() for c in node.choices for name in c.set}


def text_of(text: Text | None, lang: str) -> str:
    """The text in ``lang``, falling back to English, then to the first entry."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


def languages_of(text: Text | None) -> set[str]:
    """The language codes a text is written in (empty for a plain string)."""
    return set(text) if isinstance(text, dict) else set()


def is_valid_id(value: str) -> bool:
    """True when ``value`` can name a node, ending, fact, flag or choice."""
    return re.match(ID_PATTERN, value) is not None
