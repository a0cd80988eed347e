"""The debrief as one self-contained HTML page (no scripts, links or fonts from outside)."""

from __future__ import annotations

import html

from sim.report.debrief.common import GAP, fmt_g

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;
 margin:0 auto;max-width:1060px;padding:1.5rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;
 margin-top:2.2rem}h3{margin-bottom:.3rem}
.sub{color:#555}table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.6rem 0}
th,td{border-bottom:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}figure{margin:1.2rem 0}figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.88rem;color:#444}.tag{display:inline-block;font-size:.75rem;
 padding:0 .35rem;border-radius:3px;border:1px solid #999;margin-right:.3rem}
.record{border-color:#0072B2;color:#0072B2}.scenario{border-color:#009E73;color:#006b4f}
.inject{border-color:#D55E00;color:#a44800;font-weight:bold}.pass{color:#006b4f;font-weight:bold}
.fail{color:#a44800;font-weight:bold}.muted{color:#666}.month{margin:.3rem 0}
.month b{display:inline-block;min-width:5.2rem}.q{margin:1rem 0;padding:.6rem .9rem;
 border-left:4px solid #CC79A7;background:#faf6f9}.q p{margin:.25rem 0}
.small{font-size:.85rem}ol li{margin-bottom:.3rem}
@media print{h2{page-break-before:auto}figure{page-break-inside:avoid}}
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _yes(v) -> str:
    if v is None:
        return '<span class="muted">not reached</span>'
    return '<span class="pass">yes</span>' if v else '<span class="fail">no</span>'


def debrief_html(data: dict) -> str:
    """Render :func:`debrief_data` as one self-contained HTML page."""
    m = data["meta"]
    out: list[str] = []
    w = out.append
    w("<!doctype html><html lang='en'><head><meta charset='utf-8'>")
    w(
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">"
    )
    w("<meta name='viewport' content='width=device-width, initial-scale=1'>")
    w(f"<title>Debrief: {_e(m['title'])}</title><style>{_CSS}</style></head><body>")
    w(f"<h1>Debrief: {_e(m['title'])}</h1>")
    seats = ", ".join(f"{s['name']} ({s['team_moves']} team moves)" for s in m["seats"])
    w(
        f"<p class='sub'>{_e(m['source'])} · scenario <b>{_e(m['scenario'])}</b> · seed "
        f"{_e(m['seed'])} · {_e(m['span'][0])} to {_e(m['span'][1])} ({m['steps']} months"
        f"{'' if m['complete'] else ', ended before the window closed'})"
        + (f" · team seats: {_e(seats)}" if seats else " · no team seats: the model played all")
        + "</p>"
    )
    if m.get("description"):
        w(f"<p>{_e(m['description'])}</p>")
    w(
        "<nav class='small'>Contents: <a href='#story'>story</a> · <a href='#figures'>figures</a> · "
        "<a href='#timeline'>against the record</a> · <a href='#departures'>where the class "
        "departed</a> · <a href='#questions'>discussion questions</a></nav>"
    )

    w("<h2 id='story'>The story of the run</h2>")
    if not data["story"]:
        w("<p class='muted'>No turning points.</p>")
    for month in data["story"]:
        w(f"<p class='month'><b>{_e(month['date'])}</b> {_e(' '.join(month['lines']))}</p>")

    w("<h2 id='figures'>Figures</h2>")
    for key in ("relations", "departure", "channels", "roles", "utilities"):
        f = data["figures"].get(key)
        if not f:
            continue
        w(
            f"<figure id='fig-{key}'><img alt='{_e(f['title'])}' "
            f"src='data:image/png;base64,{f['png']}'><figcaption><b>{_e(f['title'])}.</b> "
            f"{_e(f['caption'])}</figcaption></figure>"
        )

    w("<h2 id='timeline'>The run against the historical record</h2>")
    w(
        "<p class='small'>The record's dated events (restated, with their sources), the scenario's "
        "scripted shocks and the class's injects. Where an entry falls within the run, the relations "
        "of the actors it concerns are given at that month (Goldstein scale), with the model playing "
        "alone on the same seed in brackets.</p>"
    )
    w("<table><tr><th>date</th><th>what</th><th>source</th><th>in this run</th></tr>")
    labels = {"record": "record", "scenario": "scenario event", "inject": "class inject"}
    for r in data["timeline"]:
        w(
            f"<tr><td>{_e(r['date'])}</td><td><span class='tag {r['kind']}'>{labels[r['kind']]}"
            f"</span>{_e(r['what'])}</td><td class='small'>{_e(r['source'])}</td>"
            f"<td class='small'>{_e(r['status'])}{'<br>' if r['in_run'] else ''}"
            f"{_e(r['in_run'])}</td></tr>"
        )
    w("</table>")

    d = data["departures"]
    w("<h2 id='departures'>Where the class departed, and what followed</h2>")
    w("<h3>Stylized facts: history, this run, the model alone</h3>")
    w(
        f"<table><tr><th>what history shows</th><th>source</th><th>this run</th><th>model alone, "
        f"same seed</th><th>model alone, {m['baseline_runs']} seeds</th><th>verdict</th></tr>"
    )
    for f in data["facts"]:
        rate = "" if f["ensemble_rate"] is None else f"{f['ensemble_rate']:.0%}"
        w(
            f"<tr><td>{_e(f['description'])}</td><td class='small'>{_e(f['citation'])}</td>"
            f"<td>{_yes(f['run'])}</td><td>{_yes(f['model_alone'])}</td><td>{rate}</td>"
            f"<td class='small'>{_e(f['verdict'])}</td></tr>"
        )
    w("</table>")
    w("<h3>Relations that left the model's path</h3>")
    w(
        f"<table><tr><th>pair</th><th>first month ≥ {GAP} apart</th><th>largest gap</th><th>end: "
        "this run / model alone</th><th>model-only 5-95% at the end</th><th>what followed</th></tr>"
    )
    for r in d["relations"]:
        w(
            f"<tr><td>{_e(r['label'])}</td><td>{_e(r['first'] or 'never')}</td>"
            f"<td>{fmt_g(r['max_gap'])} ({_e(r['max_gap_date'])})</td><td>{fmt_g(r['final_run'])} / "
            f"{fmt_g(r['final_model_alone'])}</td><td>{fmt_g(r['final_band'][0])} .. "
            f"{fmt_g(r['final_band'][1])}{' <b>outside</b>' if r['outside_band'] else ''}</td>"
            f"<td class='small'>{'<br>'.join(_e(x) for x in r['followed'])}</td></tr>"
        )
    w("</table>")
    w("<h3>Team moves against the advice</h3>")
    if d["against_advice"]:
        w(
            "<table><tr><th>month</th><th>team</th><th>chose</th><th>advice ranked it</th>"
            "<th>the advice's pick</th><th>what followed</th></tr>"
        )
        for r in d["against_advice"]:
            w(
                f"<tr><td>{_e(r['date'])}</td><td>{_e(r['name'])}</td><td>{_e(r['chose'])}</td>"
                f"<td>{r['rank']} of {r['options']}</td><td>{_e(r['advice'])}</td>"
                f"<td class='small'>{'<br>'.join(_e(x) for x in r['followed'])}</td></tr>"
            )
        w("</table>")
    else:
        none = (
            "No team moves in this run."
            if not d["team_moves"]
            else ("Every team move followed the advice.")
        )
        w(f"<p class='muted'>{none}</p>")
    w("<h3>Control-cell interventions</h3>")
    if d["control"]:
        w("<table><tr><th>month</th><th>what</th><th>detail</th></tr>")
        for r in d["control"]:
            w(
                f"<tr><td>{_e(r['date'])}</td><td>{_e(r['what'])}</td>"
                f"<td class='small'>{_e(r['detail'])}</td></tr>"
            )
        w("</table>")
    else:
        w("<p class='muted'>None.</p>")

    w("<h2 id='questions'>Discussion questions</h2>")
    w(
        "<p class='small'>Each question starts from a causal claim the sources make (restated here, "
        "with its citation) and from what your run shows.</p>"
    )
    for q in data["questions"]:
        w(
            f"<div class='q'><p><b>Claim {q['claim']}.</b> {_e(q['claim_text'])} "
            f"<span class='muted'>({_e(q['citation'])})</span></p>"
        )
        if q["observation"]:
            w(f"<p><i>In this run:</i> {_e(q['observation'])}</p>")
        w(f"<p><b>Question:</b> {_e(q['question'])}</p></div>")
    w("<h3>References</h3><ol class='small'>")
    from sim.report.history import SOURCES

    used = set()
    for q in data["questions"]:
        for part in q["citation"].replace(",", ";").split(";"):
            k = part.strip().split(" ")[-1]
            if k in SOURCES:
                used.add(k)
    for r in data["timeline"]:
        for part in r["source"].split(";"):
            k = part.strip()
            if k in SOURCES:
                used.add(k)
    for k in sorted(used):
        w(f"<li><b>{_e(k)}</b>: {_e(SOURCES[k])}</li>")
    w("</ol>")
    w(
        f"<p class='small muted'>Generated {_e(m['generated'])} by cardplay · config hash "
        f"{_e(m['config_hash'])} · code {_e(m['git_commit'])}. The same seed and the same "
        "session log replay to identical results.</p>"
    )
    w("</body></html>")
    return "\n".join(out)
