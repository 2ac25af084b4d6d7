"""The trainer's report: one self-contained HTML page (inline SVG) or a CSV file.

``write_report(store, out, fmt="html", trainee=None, scenario=None, library=None,
lang="en")`` writes the file (atomically) and returns the number of finished sessions it
covers; ``render_html(gather(store, ...))`` and ``render_csv(store, ...)`` give the text.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from sim.records.errors import classify
from sim.records.paths import ordinary_permissions
from sim.records.report.csv import render_csv
from sim.records.report.data import ReportData, gather
from sim.records.report.html import render_html

if TYPE_CHECKING:
    from sim.records.store import Store

FORMATS = ("html", "csv")


def write_report(
    store: Store,
    out: str | os.PathLike[str],
    fmt: str = "html",
    *,
    trainee: str | None = None,
    scenario: str | tuple[str, ...] | None = None,
    library: str | os.PathLike[str] | None = None,
    lang: str = "en",
    last: int = 10,
    industry: str | None = None,
) -> ReportData:
    """Write the report to ``out``; returns the data it shows. ``StoreError`` when the
    file cannot be written (the message names it); ``out``'s folder must exist."""
    data = gather(store, trainee=trainee, scenario=scenario, library=library, lang=lang,
                  last=last, industry=industry)
    if fmt == "csv":
        text = render_csv(store, trainee=trainee, scenario=scenario)
    elif fmt == "html":
        text = render_html(data)
    else:
        raise ValueError(f"unknown report format {fmt!r}")
    out = Path(out)
    try:
        fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".part", dir=out.parent)
        try:
            # newline="" keeps the CSV writer's own line ends; utf-8-sig lets Excel see
            # Chinese names as UTF-8.
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
                fh.write(text)
            ordinary_permissions(Path(tmp))
            os.replace(tmp, out)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise classify(out, exc) from exc
    return data


__all__ = ["FORMATS", "ReportData", "gather", "render_csv", "render_html", "write_report"]
