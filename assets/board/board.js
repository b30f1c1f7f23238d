// The board: follows the server's events and draws them as text (textContent only: what
// people typed is never markup). EventSource reconnects by itself after a network drop or a
// server restart; a board whose link was reset is told so, and stops.
"use strict";
(function () {
  const board = document.getElementById("board");
  let endsAt = null;
  let stopped = false;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function total(n, label, id) {
    const t = el("div", "total");
    const v = el("span", "n", n);
    if (id) v.id = id;
    t.append(v, el("span", "label", label));
    return t;
  }
  function status(text, gone) {
    let s = document.getElementById("status");
    if (!s) { s = el("p", "status"); s.id = "status"; board.append(s); }
    s.textContent = text;
    s.className = gone ? "status gone" : "status";
  }
  function clock() {
    const c = document.getElementById("time-left");
    if (!c || !endsAt) return;
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    const m = Math.floor(left / 60), s = left % 60;
    c.textContent = m + ":" + String(s).padStart(2, "0") + " left";
  }
  function blitz(b) {
    endsAt = Date.now() + b.seconds_left * 1000;
    board.append(el("h1", null, b.title));
    const c = el("div", "clock"); c.id = "time-left"; board.append(c); clock();
    const totals = el("div", "totals");
    totals.append(
      total(b.team.attempts, "attempts", "attempts"),
      total(b.team.conversations, "conversations", "conversations"),
      total(b.team.responses, "responses", "responses"),
      total(b.team.meetings, "meetings", "meetings"),
      total(b.team.rate === null ? "—" : b.team.rate + "%", "response rate", "rate"));
    board.append(totals);
    if (b.goal) {
      const share = Math.min(100, Math.round(100 * b.team.attempts / b.goal));
      board.append(el("p", "status", "Goal: " + b.team.attempts + " of " + b.goal + " attempts"));
      const bar = el("div", "goal"); const fill = el("div"); fill.style.width = share + "%";
      bar.append(fill); board.append(bar);
    }
    const table = el("table"); table.id = "people";
    const head = el("tr");
    ["", "attempts", "conversations", "responses", "meetings", "rate"].forEach(h => head.append(el("th", null, h)));
    table.append(head);
    b.people.forEach(p => {
      const row = el("tr");
      [p.name, p.attempts, p.conversations, p.responses, p.meetings,
       p.rate === null ? "—" : p.rate + "%"].forEach(v => row.append(el("td", null, v)));
      table.append(row);
    });
    if (b.people.length === 0) board.append(el("p", "status", "No attempts yet — every /touch counts."));
    else board.append(table);
  }
  function week(w) {
    endsAt = null;
    board.append(el("h1", null, w.title));
    board.append(el("p", "status", w.week));
    const totals = el("div", "totals");
    totals.append(total(w.touches, "touches", "touches"), total(w.conversations, "conversations"),
                  total(w.meetings, "meetings"), total(w.wins, "wins"));
    board.append(totals);
    board.append(el("h2", null, "Today"));
    const list = el("ul"); list.id = "today";
    w.today.forEach(t => list.append(el("li", null, t)));
    if (w.unnamed_today > 0) list.append(el("li", null, "+ " + w.unnamed_today + " more from the team"));
    if (list.children.length === 0) list.append(el("li", null, "Nothing celebrated yet today."));
    board.append(list);
  }
  function render(data) {
    board.replaceChildren();
    if (data.mode === "blitz") blitz(data); else week(data);
    status("Live");
  }
  function connect() {
    const source = new EventSource(location.pathname + "/events");
    source.addEventListener("board", e => render(JSON.parse(e.data)));
    source.addEventListener("gone", () => {
      stopped = true;
      source.close();
      status("This board's link was reset: it no longer updates. Ask for the new link.", true);
    });
    source.onerror = () => {
      if (stopped) return;
      if (source.readyState === EventSource.CLOSED) {
        // Refused (the link no longer opens anything): try again later, quietly.
        status("Reconnecting…");
        setTimeout(connect, 5000);
      } else {
        status("Reconnecting…");
      }
    };
  }
  setInterval(clock, 1000);
  connect();
})();
