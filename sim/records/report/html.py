"""Render the trainer's report as one self-contained HTML page.

Inline CSS and SVG only: no script, no font or image fetched, so the file can be
mailed and opened anywhere. Every text that comes from a scenario file or a
database (names, replies, ids) goes through ``html.escape``.
"""

from __future__ import annotations

from html import escape

from sim.records.models import StepMastery, format_score
from sim.records.report.data import ReportData, ScenarioReport, TraineeProgress
from sim.records.report.strings import tr
from sim.records.report.svg import (
    PALETTE,
    STATUS_COLORS,
    Point,
    score_chart,
    sparkline,
    stacked_bar,
)
from sim.records.schema import STEPS

QUALITY_COLORS = {"best": "#1a7f37", "good": "#57a773", "poor": "#e3a008",
                  "harmful": "#d1242f"}

_CSS = """
body{font-family:"Segoe UI","Noto Sans SC","PingFang SC",Helvetica,Arial,sans-serif;
 margin:24px auto;max-width:1180px;color:#1f2328;padding:0 16px;line-height:1.4}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 6px;
 border-bottom:2px solid #d0d7de;padding-bottom:4px}h3{font-size:17px;margin:24px 0 4px}
.meta,.note{color:#57606a;font-size:13px}.note{margin:2px 0 10px}
table{border-collapse:collapse;font-size:13px}th,td{padding:5px 8px;text-align:left;
 vertical-align:middle}thead th{border-bottom:1px solid #d0d7de;color:#57606a;font-weight:600}
tbody tr{border-bottom:1px solid #eaeef2}.num{text-align:right;font-variant-numeric:tabular-nums}
.up{color:#1a7f37;font-weight:600}.down{color:#d1242f;font-weight:600}.flat{color:#57606a}
.glance{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:10px 18px}
.glance li{margin:3px 0}.legend span{display:inline-block;margin-right:14px;font-size:12px}
.sw{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px}
.rate{font-size:12px;color:#57606a;margin-left:4px}
.heat td.cell{min-width:120px;max-width:220px;font-size:12px;border:1px solid #fff}
.heat td.node{max-width:260px;font-size:12px}.heat .nid{font-family:monospace;font-weight:600}
.tag{display:inline-block;border-radius:3px;color:#fff;font-size:10px;padding:0 4px;
 margin-right:4px}.cnt{font-weight:600;float:right;margin-left:6px}.typed{font-style:italic;font-size:90%;margin-top:2px}
.retired{font-style:italic;opacity:.8}.wrongbar{display:inline-block;height:8px;
 background:#d1242f;vertical-align:middle;margin-right:4px}
.group td{font-weight:600;background:#f6f8fa}
.warn{background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:4px 8px;
 font-size:13px;display:inline-block;margin:4px 0}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _step(lang: str, step: str) -> str:
    return tr(lang, step) if step in STEPS else step


def _heat(share: float) -> tuple[str, str]:
    """Background and text colour for a cell chosen ``share`` (0..1) of the time."""
    base = (31, 95, 168)  # blue: how often
    r, g, b = (round(255 + (c - 255) * share * 0.9) for c in base)
    return f"rgb({r},{g},{b})", "#fff" if share > 0.5 else "#1f2328"


def _glance(data: ReportData) -> str:
    lang = data.lang
    items = [tr(lang, "trainees_sessions", t=len(data.trainees), s=data.session_count)]
    # Rounded as shown, so a change that shows as +0 is neither an improvement nor a decline.
    changes = [(round(t.change, 1), t.name) for t in data.trainees if t.change is not None]
    if changes:
        best = max(changes)
        if best[0] > 0:
            items.append('<span class="up">▲</span> '
                         + _e(tr(lang, "most_improved", name=best[1],
                                 delta=format_score(best[0], signed=True))))
        worst = min(changes)
        if worst[0] < 0:
            items.append('<span class="down">▼</span> '
                         + _e(tr(lang, "declining", name=worst[1],
                                 delta=format_score(worst[0], signed=True))))
    counted = [m for m in data.group.values() if m.total]
    if counted:
        weakest = min(counted, key=lambda m: (m.rate, STEPS.index(m.step)))
        items.append(_e(tr(lang, "weakest_step", step=_step(lang, weakest.step),
                           rate=weakest.rate * 100)))
    worst_nodes = [(row.trouble_score, row.wrong, row.picks, s.title, row.node)
                   for s in data.scenarios for row in s.trouble[:1]]
    if worst_nodes:
        _, wrong, picks, title, node = max(worst_nodes)
        items.append(_e(tr(lang, "worst_node", scenario=title, node=node, wrong=wrong,
                           picks=picks)))
    return ("<ul class=\"glance\">" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")


def _change_cell(change: float | None) -> str:
    if change is None:
        return '<td class="num flat">–</td>'
    shown = format_score(change, signed=True)
    change = round(change, 1)  # the figure shown decides its arrow
    if change >= 3:
        return f'<td class="num up">▲ {shown}</td>'
    if change <= -3:
        return f'<td class="num down">▼ {shown}</td>'
    return f'<td class="num flat">● {shown}</td>'


def _progress(data: ReportData) -> str:
    lang = data.lang
    series = []
    for i, t in enumerate(data.trainees):
        points = [Point(s.score or 0, f"{t.name} · {s.started_at[:16].replace('T', ' ')} · "
                        f"{s.scenario_id} · {format_score(s.score)}")
                  for s in t.sessions if s.score is not None]
        series.append((t.name, PALETTE[i % len(PALETTE)], points))
    out = [f"<h2>{_e(tr(lang, 'progress'))}</h2>",
           f'<p class="note">{_e(tr(lang, "progress_note"))}</p>']
    if any(points for _, _, points in series):
        out.append(score_chart(series, x_label=tr(lang, "attempt"),
                               title=tr(lang, "progress")))
        out.append('<div class="legend">' + "".join(
            f'<span><i class="sw" style="background:{c}"></i>{_e(n)}</span>'
            for n, c, p in series if p) + "</div>")
    rows = []
    for i, t in enumerate(data.trainees):
        scores = t.scores
        opened = f' <span class="meta">(+{t.open_sessions} {_e(tr(lang, "open"))})</span>' \
            if t.open_sessions else ""
        rows.append(
            f"<tr><td>{_e(t.name)}</td><td class=\"num\">{len(t.sessions)}{opened}</td>"
            f"<td class=\"num\">{fmt(t.first_avg)}</td><td class=\"num\">{fmt(t.last_avg)}</td>"
            f"<td class=\"num\">{fmt(t.best)}</td>{_change_cell(t.change)}"
            f"<td>{sparkline(scores, colour=PALETTE[i % len(PALETTE)])}</td></tr>")
    head = "".join(f"<th>{_e(tr(lang, k))}</th>" for k in
                   ("trainee", "sessions", "first", "last", "best", "change", "trend"))
    out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return "".join(out)


def fmt(value: float | None) -> str:
    """A score or a mean of scores to one decimal when needed, or a dash for none."""
    return format_score(value)


def _mastery_cell(lang: str, m: StepMastery) -> str:
    if not m.total:
        return '<td class="meta">–</td>'
    bar = stacked_bar([
        (status, getattr(m, status),
         f"{_step(lang, m.step)}: {tr(lang, status)} {getattr(m, status)}/{m.total}")
        for status in ("excellent", "done", "weak", "missed")])
    return f'<td>{bar}<span class="rate">{m.rate * 100:.0f}%</span></td>'


def _mastery(data: ReportData) -> str:
    lang = data.lang
    head = "".join(f"<th>{_e(_step(lang, s))}</th>" for s in STEPS)
    rows = [f"<tr><td>{_e(t.name)}</td>"
            + "".join(_mastery_cell(lang, t.mastery[s]) for s in STEPS) + "</tr>"
            for t in data.trainees]
    if data.trainee_filter is None and len(data.trainees) > 1:
        rows.append(f'<tr class="group"><td>{_e(tr(lang, "group"))}</td>'
                    + "".join(_mastery_cell(lang, data.group[s]) for s in STEPS) + "</tr>")
    legend = '<div class="legend">' + "".join(
        f'<span><i class="sw" style="background:{STATUS_COLORS[s]}"></i>{_e(tr(lang, s))}'
        "</span>" for s in ("excellent", "done", "weak", "missed")) + "</div>"
    return (f"<h2>{_e(tr(lang, 'mastery'))}</h2>"
            f'<p class="note">{_e(tr(lang, "mastery_note", n=data.last))}</p>{legend}'
            f"<table><thead><tr><th>{_e(tr(lang, 'trainee'))}</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _scenario(lang: str, s: ScenarioReport) -> str:
    score = (tr(lang, "mean_score", score=format_score(s.mean_score))
             if s.mean_score is not None else tr(lang, "no_score"))
    out = [f'<h3 id="sc-{_e(s.id)}">{_e(s.title)} <span class="meta">({_e(s.id)})</span></h3>',
           f'<p class="meta">{_e(tr(lang, "n_sessions", n=s.sessions))} · {_e(score)}</p>']
    if s.state == "missing":
        out.append(f'<p class="warn">{_e(tr(lang, "missing"))}</p>')
    elif s.older_sessions:
        out.append(f'<p class="warn">{_e(tr(lang, "changed", n=s.older_sessions))}</p>')
    trouble = s.trouble[:3]
    if trouble:
        out.append(f"<p><b>{_e(tr(lang, 'trouble'))}:</b> " + "; ".join(
            f'<a href="#n-{_e(s.id)}-{_e(n.node)}" class="nid">{_e(n.node)}</a> '
            + _e(tr(lang, "wrong_of", wrong=n.wrong, picks=n.picks))
            for n in trouble) + "</p>")
    width = max((len(n.choices) for n in s.nodes), default=0)
    rows = []
    for n in s.nodes:
        cells = []
        for c in n.choices:
            bg, fg = _heat(c.share)
            colour = QUALITY_COLORS.get(c.quality, "#888")
            note = f" ({tr(lang, 'retired')})" if c.retired else ""
            tip = f"{c.key} · {tr(lang, c.quality + '_q')}" + (
                f" · {_step(lang, c.step)}" if c.step else "") + note
            cls = "cell retired" if c.retired else "cell"
            cells.append(
                f'<td class="{cls}" style="background:{bg};color:{fg}" title="{_e(tip)}">'
                f'<span class="cnt">{c.count}</span>'
                f'<span class="tag" style="background:{colour}">'
                f"{_e(tr(lang, c.quality + '_q'))}</span>{_e(_short(c.reply, 90))}"
                + "".join(f'<div class="typed" title="{_e(tr(lang, "typed"))}">“'
                          f"{_e(_short(t, 90))}”</div>" for t in c.typed) + "</td>")
        cells += ["<td></td>"] * (width - len(n.choices))
        wrong = (f'<span class="wrongbar" style="width:{n.wrong_share * 40:.0f}px"></span>'
                 f"{n.wrong_share * 100:.0f}%") if n.picks else \
            f'<span class="meta">{_e(tr(lang, "not_reached"))}</span>'
        rows.append(
            f'<tr id="n-{_e(s.id)}-{_e(n.node)}"><td class="node">'
            f'<span class="nid">{_e(n.node)}</span><br>'
            f'<span class="meta" title="{_e(n.say)}">{_e(_short(n.say))}</span></td>'
            f'<td class="num">{n.picks}</td><td>{wrong}</td>{"".join(cells)}</tr>')
    out.append(
        f'<table class="heat"><thead><tr><th>{_e(tr(lang, "node"))}</th>'
        f'<th>{_e(tr(lang, "picks"))}</th><th>{_e(tr(lang, "wrong"))}</th>'
        f'<th colspan="{max(width, 1)}"></th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return "".join(out)


def _replies(data: ReportData) -> str:
    lang = data.lang
    if not data.scenarios:
        return ""
    legend = '<div class="legend">' + "".join(
        f'<span><i class="sw" style="background:{QUALITY_COLORS[q]}"></i>'
        f"{_e(tr(lang, q + '_q'))}</span>" for q in QUALITY_COLORS) + "</div>"
    return (f"<h2>{_e(tr(lang, 'replies'))}</h2>"
            f'<p class="note">{_e(tr(lang, "replies_note"))}</p>{legend}'
            + "".join(_scenario(lang, s) for s in data.scenarios))


def render_html(data: ReportData) -> str:
    """The whole report as one HTML document."""
    lang = data.lang
    filters = []
    if data.trainee_filter is not None:
        filters.append(f"{tr(lang, 'trainee')}: {data.trainee_filter}")
    if data.industry_filter is not None:
        filters.append(f"{tr(lang, 'industry')}: {data.industry_filter}")
    elif data.scenario_filter is not None:
        filters.append(f"{tr(lang, 'scenario')}: {data.scenario_filter}")
    meta = _e(tr(lang, "generated", when=data.generated_at, db=data.db_path))
    if filters:
        meta += " · " + _e(tr(lang, "filters") + " " + ", ".join(filters))
    body = [f"<h1>{_e(tr(lang, 'title'))}</h1>", f'<p class="meta">{meta}</p>']
    if not data.trainees:
        body.append(f"<p>{_e(tr(lang, 'no_data'))}</p>")
    else:
        body += [f"<h2>{_e(tr(lang, 'glance'))}</h2>", _glance(data), _progress(data),
                 _mastery(data), _replies(data)]
    html_lang = "zh-Hans" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(tr(lang, 'title'))}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


__all__ = ["TraineeProgress", "render_html"]
