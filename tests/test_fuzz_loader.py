"""Random and mutated YAML never makes the loader raise anything but its own problems."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario import check_bytes

EXAMPLE = (Path(__file__).parent / "scenarios" / "late-cake.yaml").read_bytes()
TOKENS = [b"\n", b" ", b":", b"- ", b"[", b"]", b"{", b"}", b",", b"&a", b"*a", b"!!int",
          b"'", b'"', b"#", b"goto: ", b"if: ", b"emotion >= ", b"learned(", b")", b"\t",
          b"\xff", b"\x00", b"---\n", b"? ", b"|", b">"]


def _check(raw: bytes) -> None:
    scenario, problems = check_bytes(raw, "fuzz.yaml")
    assert scenario is not None or any(p.is_error for p in problems)
    for p in problems:
        assert p.line >= 1 and p.col >= 1 and p.code


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes(raw: bytes) -> None:
    _check(raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("abc:- []{},&*!'\"#\n\t0123|>?%@`")),
               max_size=300))
def test_random_yaml_like_text(text: str) -> None:
    _check(text.encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(EXAMPLE)), st.integers(0, 40),
                          st.sampled_from(TOKENS)), min_size=1, max_size=4))
def test_mutated_example(edits: list[tuple[int, int, bytes]]) -> None:
    raw = EXAMPLE
    for at, cut, token in edits:
        raw = raw[:at] + token + raw[at + cut:]
    _check(raw)
