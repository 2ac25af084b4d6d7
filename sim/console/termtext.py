"""Text for a terminal: display width of CJK text and a wrapper that respects it."""

from __future__ import annotations

import unicodedata

# Chinese line-breaking rules: these never start a line, those never end one.
NO_LINE_START = set("，。！？、；：」』）》〉】”’…,.!?;:)]}%")
NO_LINE_END = set("「『（《〈【“‘([{")


def char_width(ch: str) -> int:
    """Columns a character takes in a terminal: 2 for wide (CJK) characters, else 1."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal."""
    return sum(char_width(c) for c in text)


def _atoms(text: str) -> list[str]:
    """Unbreakable pieces: an English word with its trailing space, or one CJK character."""
    atoms: list[str] = []
    word = ""
    for ch in text:
        if char_width(ch) == 2:
            if word:
                atoms.append(word)
                word = ""
            atoms.append(ch)
        elif ch == " ":
            atoms.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        atoms.append(word)
    # Glue closing punctuation to what precedes it and opening punctuation to what follows.
    glued: list[str] = []
    for atom in atoms:
        if glued and (atom[0] in NO_LINE_START or glued[-1][-1] in NO_LINE_END):
            glued[-1] += atom
        else:
            glued.append(atom)
    return glued


def wrap(text: str, columns: int, indent: str = "") -> list[str]:
    """Lines of at most ``columns`` display columns; continuation lines start with ``indent``.

    Leading spaces of ``text`` stay on its first line, later paragraphs start at ``indent``;
    a word longer than a line stays whole.
    """
    lines: list[str] = []
    for n, paragraph in enumerate(text.split("\n")):
        body = paragraph.lstrip(" ")
        lead = paragraph[: len(paragraph) - len(body)]
        if n and not lead and body:  # later paragraphs line up with the continuation
            lead = indent
        line = lead
        for atom in _atoms(body):
            if width(line + atom.rstrip()) > columns and line.strip():
                lines.append(line.rstrip())
                line = indent + atom.lstrip()
            else:
                line += atom
        lines.append(line.rstrip())
    return lines
