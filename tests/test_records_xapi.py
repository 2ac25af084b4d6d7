"""Sessions as xAPI 1.0.3 statements, sent to a real LRS (Ralph) on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim.engine import Session
from sim.records import open_store
from sim.records.lrs import Client, LrsError, SentLog
from sim.records.lrs import sync as send
from sim.records.xapi import VERBS, Actor, registration, statements
from sim.scenario import load_scenario

HERE = Path(__file__).parent
ROOT = HERE.parent
EXAMPLE = HERE / "scenarios" / "late-cake.yaml"
USER, PASSWORD = "trainer", "s3cret"

ralph_models = pytest.importorskip("ralph.models.xapi.base.statements")


# Ralph 5.1.0's file backend writes each POST with operation type "create", so every
# POST after the first fails ("fs_lrs.jsonl already exists"); appending is what an LRS
# on one file has to do.
_RALPH = """
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
import uvicorn
uvicorn.run("ralph.api:app", host="127.0.0.1", port={port}, log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def lrs(tmp_path_factory: pytest.TempPathFactory):
    """Ralph's LRS with its file backend, on a free loopback port; yields its xAPI URL."""
    import bcrypt

    folder = tmp_path_factory.mktemp("lrs")
    auth = folder / "auth.json"
    auth.write_text(json.dumps([{
        "agent": {"mbox": "mailto:trainer@example.org", "objectType": "Agent"},
        "scopes": ["all"], "username": USER,
        "hash": bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()}]))
    port = free_port()
    env = {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_AUTH_FILE": str(auth),
           "RALPH_APP_DIR": str(folder / "app"),
           "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data")}
    with open(folder / "server.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-c", _RALPH.format(port=port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}/xAPI"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__heartbeat__", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("the LRS did not start: " + (folder / "server.log").read_text())
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(10)


def read_back(url: str, **query: str) -> list[dict]:
    """Every statement the LRS holds (matching ``query``), following its pages."""
    import base64
    from urllib.parse import urlencode

    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    found: list[dict] = []
    address = f"{url}/statements?{urlencode({'limit': 100, **query})}"
    while address:
        request = urllib.request.Request(address, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            page = json.load(response)
        found += page["statements"]
        more = page.get("more")
        address = url.rsplit("/xAPI", 1)[0] + more if more else ""
    return found


def played(db: Path, trainee: str, lang: str = "en", finish: bool = True) -> int:
    """Record one session of the example; returns its id."""
    scenario = load_scenario(EXAMPLE)
    with open_store(db) as store:
        recorder = store.start(trainee, scenario, lang=lang, mode="text", seed=11)
        session = Session(scenario, seed=11)
        recorder.attach(session)
        if finish:
            while not session.is_over:
                session.choose(0)
        else:
            session.choose(0)
            session.choose(0)
        return recorder.session_id


def test_statements_follow_the_session_and_the_xapi_schema(tmp_path: Path):
    db = tmp_path / "r.sqlite3"
    done = played(db, "ana", lang="zh")
    still_open = played(db, "ana", finish=False)
    stopped = played(db, "ben", finish=False)
    with open_store(db) as store:
        store.abandon(stopped)
        infos = {s.id: s for s in store.sessions()}
        every = list(statements(store, library=EXAMPLE.parent))
        again = list(statements(store, library=EXAMPLE.parent))
    for st in every:  # the xAPI 1.0.3 statement model of the Ralph LRS
        ralph_models.BaseXapiStatement.model_validate(st)
    assert every == again and len({st["id"] for st in every}) == len(every)
    by_session: dict[str, list[dict]] = {}
    for st in every:
        by_session.setdefault(st["context"]["registration"], []).append(st)
    finished = by_session[registration(infos[done])]
    verbs = [st["verb"]["id"].rsplit("/", 1)[1] for st in finished]
    turns = infos[done].turns
    assert verbs == ["initialized"] + ["answered"] * turns + ["completed", "terminated"]
    assert all(st["context"]["language"] == "zh-CN" for st in finished)
    assert all(st["context"]["contextActivities"]["parent"][0]["id"].endswith(
        "/scenarios/late-cake") for st in finished)
    first = finished[1]
    assert first["object"]["definition"]["interactionType"] == "choice"
    offered = [c["id"] for c in first["object"]["definition"]["choices"]]
    assert first["result"]["response"] in offered and len(offered) >= 2
    completed = finished[-2]["result"]
    assert completed["score"]["scaled"] == pytest.approx(infos[done].score / 100, abs=1e-3)
    assert completed["success"] == (infos[done].outcome == "resolved")
    assert completed["duration"].startswith("PT")
    assert set(completed["extensions"][next(k for k in completed["extensions"]
                                            if k.endswith("/steps"))]) == {
        "listen", "apologize", "clarify", "solve", "commit"}
    open_verbs = [st["verb"]["id"] for st in by_session[registration(infos[still_open])]]
    assert open_verbs == [VERBS["initialized"]] + [VERBS["answered"]] * 2
    stopped_verbs = [st["verb"]["id"] for st in by_session[registration(infos[stopped])]]
    assert stopped_verbs[-1] == VERBS["terminated"] and VERBS["completed"] not in stopped_verbs
    mailed = Actor(mbox_domain="example.org").of("Li Wei")
    assert mailed["mbox"] == "mailto:Li.Wei@example.org"


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input="",
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_export_writes_the_statements_one_a_line(tmp_path: Path):
    db = tmp_path / "r.sqlite3"
    played(db, "ana")
    out = tmp_path / "statements.jsonl"
    done = run_cli("export", "--format", "xapi", "--out", str(out), "--db", str(db),
                   "--library", str(EXAMPLE.parent))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with open_store(db) as store:
        assert lines == list(statements(store, library=EXAMPLE.parent))
    assert f"Wrote {len(lines)} xAPI statement(s) of 1 session(s)" in done.stdout


def test_sync_sends_every_statement_exactly_once(tmp_path: Path, lrs: str):
    db = tmp_path / "r.sqlite3"
    played(db, "ana")
    played(db, "ben", finish=False)
    env = {"DEFUSE_DATA_DIR": str(tmp_path / "data")}
    args = ("sync", "--db", str(db), "--lrs", lrs, "--user", USER, "--password", PASSWORD,
            "--library", str(EXAMPLE.parent))
    first = run_cli(*args, env=env)
    assert first.returncode == 0, first.stderr
    with open_store(db) as store:
        ours = list(statements(store, library=EXAMPLE.parent))
        regs = {registration(s) for s in store.sessions()}
    assert f"{len(ours)} statement(s) sent, 0 sent before, 0 refused" in first.stdout
    second = run_cli(*args, env=env)
    assert f"0 statement(s) sent, {len(ours)} sent before" in second.stdout
    # forgetting what was sent sends it all again; the LRS still holds each once
    third = run_cli(*args, env={"DEFUSE_DATA_DIR": str(tmp_path / "other")})
    assert third.returncode == 0 and f"{len(ours)} statement(s) sent" in third.stdout
    held = [st for reg in regs for st in read_back(lrs, registration=reg)]
    assert sorted(st["id"] for st in held) == sorted(st["id"] for st in ours)
    answered = [st for st in held if st["verb"]["id"] == VERBS["answered"]]
    assert all(st["result"]["extensions"] for st in answered)


def test_refusals_are_reported_with_the_reason(tmp_path: Path, lrs: str):
    db = tmp_path / "r.sqlite3"
    played(db, "cai")
    with open_store(db) as store:
        ours = list(statements(store, library=EXAMPLE.parent))
    clash = {**ours[0], "verb": {"id": VERBS["terminated"]}}  # same id, other content
    client = Client(lrs, USER, PASSWORD)
    assert client.post([clash])[0] == 200
    log = SentLog(tmp_path / "sent.sqlite3")
    result = send(ours, client, log, "test")
    assert result.sent == len(ours) - 1
    assert [sid for sid, _ in result.refused] == [ours[0]["id"]]
    assert "409" in result.refused[0][1] and "already exist" in result.refused[0][1]
    done = run_cli("sync", "--db", str(db), "--lrs", lrs, "--user", USER, "--password",
                   "wrong", env={"DEFUSE_DATA_DIR": str(tmp_path / "d")})
    assert done.returncode == 2 and "refused the credentials" in done.stderr


def test_an_unreachable_lrs_is_retried_with_back_off(tmp_path: Path):
    waits: list[float] = []
    client = Client(f"http://127.0.0.1:{free_port()}/xAPI", retries=3, backoff_s=0.01,
                    sleep=waits.append)
    with pytest.raises(LrsError) as err:
        client.post([{"id": "x"}])
    assert waits == [0.01, 0.02, 0.04] and "did not answer after 4 attempts" in str(err.value)
    done = run_cli("sync", "--lrs", "ftp://x", "--db", str(tmp_path / "r.sqlite3"))
    assert done.returncode == 2 and "http://" in done.stderr
