/* A team's page: its status, its moves grouped by target with the advice in plain words
 * (exact numbers on demand), and its situation. */
import { act, download } from "./api.js";
import { $, box, clear, el, fmt } from "./dom.js";

const VERDICT_CLASS = { "better": "better", "about the same": "same", "worse": "worse", "the baseline": "base" };

export function buildSeat(side, s) {
  side.append(box(`Your team: ${s.names[s.actor]}`, "team-box",
    el("p", { id: "team-status", cls: "big" }),
    el("p", {}, el("span", { id: "countdown", cls: "countdown" }))));
  const numbers = el("input", { type: "checkbox", id: "show-numbers" });
  numbers.addEventListener("change", () => { $("options").classList.toggle("numbers-on", numbers.checked); });
  side.append(box("Your move this turn", "move-box",
    el("p", { id: "move-help", cls: "small muted" }),
    el("label", { cls: "inline small", id: "numbers-toggle" }, numbers, "show the exact numbers"),
    el("div", { id: "options", cls: "options" })));
  side.append(box("Your situation", "situation-box", el("div", { id: "situation" })));
  side.append(box("Debrief", "seat-debrief",
    el("button", { id: "btn-report", onclick: (e) => download("/api/report", "debrief.html", e.currentTarget) }, "Download debrief report"),
    el("p", { cls: "small muted" }, "Available when the instructor ends the game.")));
}

function status(s, chosen) {
  const me = s.me;
  if (s.over) return `The game is over (${s.over}).`;
  if (me.late) return "The deadline passed: the model plays for your team this turn.";
  if (chosen) return `Your move for ${s.date}: ${chosen.text}. You can change it until the instructor advances.`;
  return `Choose your move for ${s.date}.`;
}

function optionRow(s, o, n) {
  const me = s.me;
  const isChosen = o.row === me.choice;
  const row = el("div", {
    cls: "option" + (isChosen ? " chosen" : "") + (o.top ? " top" : ""),
    "data-row": o.row, "data-action": o.action, "data-target": o.target,
  });
  const words = el("div", { cls: "what" }, o.text);
  if (s.advice) {
    if (o.top) words.append(" ", el("span", { cls: "best", title: `the advice's number ${o.top}` }, `★${o.top}`));
    words.append(" ", el("span", { cls: `verdict verdict-${VERDICT_CLASS[o.verdict]}` }, o.verdict));
    words.append(el("div", { cls: "meta numbers" },
      `expected utility ${o.value.toFixed(4)} · ${fmt(o.diff, 4)} against holding · rank ${o.rank} of ${n}`));
  }
  row.append(words, el("button", {
    cls: isChosen ? "secondary" : "", disabled: s.over || me.late || isChosen,
    onclick: (e) => act("/api/move", { row: o.row }, "Move submitted: " + o.text, e.currentTarget),
  }, isChosen ? "chosen" : "Choose"));
  return row;
}

export function updateSeat(s) {
  const me = s.me;
  const byRow = new Map(me.options.map((o) => [o.row, o]));
  $("team-status").textContent = status(s, byRow.get(me.choice));
  $("btn-report").disabled = !s.over;
  $("numbers-toggle").hidden = !s.advice;
  $("move-help").textContent = s.advice ?
    "Advice: how each move compares with holding still, for your country, after the others' likely replies " +
    "(★ marks the model's top three; 'about the same' means its own leaders could not tell them apart). You decide." :
    "Pick the move you think serves your country best.";
  const list = $("options");
  const scroll = list.scrollTop;
  clear(list);
  for (const g of me.groups) {
    const group = el("div", { cls: "group", "data-target": g.target }, el("h3", {}, g.name));
    for (const row of g.rows) group.append(optionRow(s, byRow.get(row), me.options.length));
    list.append(group);
  }
  if (!me.options.length) list.append(el("p", { cls: "muted" }, "No moves: the game is over."));
  list.scrollTop = scroll;
  drawSituation($("situation"), s);
}

function drawSituation(node, s) {
  const sit = s.me.situation;
  clear(node);
  node.append(el("p", {}, "Utility ", el("b", {}, sit.utility.toFixed(3)), ` (${fmt(sit.utility_change, 3)} over the last turn)`,
    ` · international standing ${sit.standing.toFixed(2)}`));
  const it = el("table", { id: "interests-table" }, el("tr", {}, el("th", {}, "interest"), el("th", {}, "value"), el("th", {}, "change"), el("th", {}, "weight")));
  for (const i of sit.interests) {
    it.append(el("tr", {}, el("td", {}, i.name), el("td", { cls: "num" }, fmt(i.value, 3)), el("td", { cls: "num" }, fmt(i.change, 3)), el("td", { cls: "num" }, i.weight.toFixed(2))));
  }
  node.append(el("div", { cls: "scroll-x" }, it));
  const fac = Object.entries(sit.factions);
  if (fac.length) node.append(el("p", { cls: "small" }, "Factions at home: " + fac.map(([f, v]) => `${f} ${(100 * v).toFixed(0)}%`).join(", ")));
  const rows = [
    ["relation (Goldstein)", (o) => fmt(o.relation, 1)],
    ["your stance", (o) => fmt(o.my_stance, 2)],
    ["their stance", (o) => fmt(o.their_stance, 2)],
    ["secret channel: you", (o) => o.my_channel.toFixed(2)],
    ["secret channel: them", (o) => o.their_channel.toFixed(2)],
    ["you recognise them", (o) => o.i_recognise],
    ["they recognise you", (o) => o.they_recognise],
    ["your commitment", (o) => o.my_commitment.toFixed(2)],
    ["their commitment", (o) => o.their_commitment.toFixed(2)],
    ["trade, US$ m", (o) => o.trade.toFixed(0) + (o.trade_indirect > 0.5 ? ` +${o.trade_indirect.toFixed(0)} via others` : "")],
    ["your export controls", (o) => o.my_controls.toFixed(2)],
    ["their export controls", (o) => o.their_controls.toFixed(2)],
    ["talks open", (o) => (o.talks ? "yes" : "no")],
  ];
  const t = el("table", { id: "relations-table" },
    el("tr", {}, el("th", {}, "toward"), ...sit.others.map((o) => el("th", { cls: "num", "data-actor": o.actor }, o.name))));
  for (const [label, f] of rows) {
    t.append(el("tr", {}, el("td", {}, label), ...sit.others.map((o) => el("td", { cls: "num" }, f(o)))));
  }
  node.append(el("h3", {}, "Your relations"), el("div", { cls: "scroll-x" }, t),
    el("p", { cls: "small muted" }, "Relation: public, on the Goldstein scale (-10 hostile .. +10 cooperative). Stances -1..+1. Only you and your partner know your secret channels."));
}
