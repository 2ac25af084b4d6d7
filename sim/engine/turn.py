"""One entry of a session's history."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Turn:
    """A reply given and all it did: meters before and after, facts, route taken.

    ``index`` is the reply's position in its node's ``choices`` (0-based) and ``offered``
    the positions of the replies that were on offer, so the coach can compare the reply
    with the roads not taken. ``typed`` holds the trainee's own words when the reply was
    typed and matched to this authored one (the own-words mode); None when picked.
    """

    number: int
    node: str
    index: int
    choice_id: str | None
    step: str | None
    quality: str
    pitfall: str | None
    emotion_before: int
    trust_before: int
    emotion: int
    trust: int
    offered: tuple[int, ...]
    learned: tuple[str, ...]
    rule: int | None
    dest: str
    typed: str | None = None

    @property
    def key(self) -> str:
        """The reply's id, or its 1-based position in the node when it has no id."""
        return self.choice_id or str(self.index + 1)
