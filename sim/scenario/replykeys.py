"""The one parser for naming a reply: in a test's ``choose:``, in ``--choices`` and at the
terminal or window prompt.

A reply is named by its 1-based number among the replies on offer, or by its ``id``.
Only ASCII digits make a number (``str.isdigit`` also accepts superscripts such as ``²``,
which ``int`` refuses), and a number is never longer than a node can be wide, so no
input can reach Python's integer-conversion limit.
"""

from __future__ import annotations

import re

from sim.scenario.model import ID_PATTERN
from sim.scenario.problems import shorten

#: A node offers at most this many replies (the format's limit).
MAX_REPLIES = 6

_NUMBER = re.compile(r"[0-9]+\Z")
_ID = re.compile(ID_PATTERN)


class ReplyKeyError(ValueError):
    """A token that names no reply: neither a reply number nor a choice id."""


def parse_reply_key(token: int | str) -> int | str:
    """A reply number (``int``, 1-based) or a choice id (``str``) for ``token``.

    Raises :class:`ReplyKeyError` with a message fit to show the user for anything else:
    an empty token, a number outside 1..``MAX_REPLIES``, a non-ASCII digit, or text that
    can't be a choice id.
    """
    if isinstance(token, bool):
        raise ReplyKeyError(f"{str(token).lower()} is not a reply; write its number "
                            f"(1 to {MAX_REPLIES}) or its id")
    if isinstance(token, int):
        return _number(token, str(token) if abs(token) < 10**9 else "a huge number")
    text = str(token).strip()
    if not text:
        raise ReplyKeyError(f"an empty reply; write its number (1 to {MAX_REPLIES}) or its id")
    if _NUMBER.match(text):
        if len(text) > 3:
            raise ReplyKeyError(f"'{shorten(text, 12)}' is too large: a node offers at most "
                                f"{MAX_REPLIES} replies")
        return _number(int(text), text)
    if _ID.match(text):
        return text
    if any(ch.isdigit() or ch.isnumeric() for ch in text):
        hint = "write numbers with the digits 0-9"
    else:
        hint = "ids use letters, digits and '_' and start with a letter"
    raise ReplyKeyError(f"'{shorten(text, 24)}' is neither a reply number (1 to "
                        f"{MAX_REPLIES}) nor a choice id ({hint})")


def _number(value: int, shown: str) -> int:
    if not 1 <= value <= MAX_REPLIES:
        raise ReplyKeyError(f"there is no reply {shown}; a node offers replies 1 to "
                            f"{MAX_REPLIES} at most")
    return value
