// herald dashboard: keeps the enquiry queue and the waves' progress up
// to date without a reload. The server says when something changed over
// server-sent events (/api/v1/events); where the stream cannot be had
// (no EventSource, a proxy that buffers, the server's stream cap) the
// page polls the JSON API every 5 s instead. Rows are built with
// textContent, never HTML, so nothing from a message runs.
"use strict";
(function () {
  var every = 5000;
  var labels = {};
  try { labels = JSON.parse(document.body.dataset.labels || "{}"); } catch (e) {}

  function age(iso) {
    var m = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
    if (m < 60) return m + "m";
    var h = Math.floor(m / 60);
    if (h < 48) return h + "h";
    return Math.floor(h / 24) + "d";
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function queueRow(e, known) {
    var tr = document.createElement("tr");
    tr.dataset.ref = e.ref;
    if (!known[e.ref]) tr.className = "new";
    var td = document.createElement("td");
    var a = document.createElement("a");
    a.href = "/enquiries/" + encodeURIComponent(e.ref);
    a.textContent = e.ref;
    td.appendChild(a);
    tr.appendChild(td);
    td = document.createElement("td");
    var s = document.createElement("span");
    s.className = "st st-" + e.status;
    s.textContent = labels["st_" + e.status] || e.status;
    td.appendChild(s);
    tr.appendChild(td);
    cell(tr, age(e.received_at), "age").dataset.received = e.received_at;
    cell(tr, e.account);
    cell(tr, e.category);
    cell(tr, e.from, "from");
    cell(tr, e.subject, "subject");
    return tr;
  }

  function get(url, done) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) { if (v) done(v); })
      .catch(function () {});
  }

  // queueUpdater refetches a queue table's rows (its own filters, in
  // data-live-queue) and replaces them only when they changed: rows
  // already shown keep still, a new one is highlighted.
  function queueUpdater(tbody) {
    var last = "";
    return function () {
      get(tbody.dataset.liveQueue, function (rows) {
        var sig = JSON.stringify(rows);
        if (sig === last) return;
        var known = {};
        tbody.querySelectorAll("tr").forEach(function (tr) { known[tr.dataset.ref] = true; });
        last = sig;
        var frag = document.createDocumentFragment();
        rows.forEach(function (e) { frag.appendChild(queueRow(e, known)); });
        tbody.replaceChildren(frag);
      });
    };
  }

  function showWaves(tbody, all) {
    all.forEach(function (w) {
      var tr = tbody.querySelector('tr[data-wave="' + CSS.escape(w.name) + '"]');
      if (!tr) return;
      tr.querySelector(".state").textContent = w.state;
      var p = tr.querySelector("progress");
      p.max = w.planned || 1;
      p.value = w.sent + w.failed;
      ["sent", "planned", "failed", "pending"].forEach(function (k) {
        var el = tr.querySelector(".c-" + k);
        if (el) el.textContent = w[k];
      });
    });
  }

  // live wires the page's live tables to the event stream, and to
  // polling while the stream is down. body[data-live] says which one
  // runs ("events" or "polling"), for people debugging and for tests.
  function live() {
    var queues = [], waves = [];
    document.querySelectorAll("[data-live-queue]").forEach(function (t) { queues.push(queueUpdater(t)); });
    document.querySelectorAll("[data-live-waves]").forEach(function (t) { waves.push(t); });
    if (!queues.length && !waves.length) return;
    function refreshQueues() { queues.forEach(function (f) { f(); }); }
    function refreshWaves() {
      waves.forEach(function (t) { get(t.dataset.liveWaves, function (all) { showWaves(t, all); }); });
    }
    var timer = null;
    function poll() {
      if (timer) return;
      document.body.dataset.live = "polling";
      timer = setInterval(function () { refreshQueues(); refreshWaves(); }, every);
    }
    function streaming() {
      if (timer) clearInterval(timer);
      timer = null;
      document.body.dataset.live = "events";
    }
    setInterval(function () {
      document.querySelectorAll("td.age[data-received]").forEach(function (td) { td.textContent = age(td.dataset.received); });
    }, 30000);
    if (!window.EventSource) { poll(); return; }
    var es = new EventSource("/api/v1/events");
    var stamp = null;
    es.addEventListener("queue", function (ev) {
      streaming();
      var s = JSON.parse(ev.data).stamp;
      if (s !== stamp) { stamp = s; refreshQueues(); }
    });
    es.addEventListener("waves", function (ev) {
      streaming();
      var all = JSON.parse(ev.data);
      waves.forEach(function (t) { showWaves(t, all); });
    });
    // The server stops or the session ended: poll (a new login or the
    // server's return is then seen by the polls).
    es.addEventListener("bye", function () { es.close(); poll(); });
    // While the browser reconnects on its own the page polls; the next
    // event stops the polling.
    es.addEventListener("error", function () { poll(); });
  }

  // The list page's import: Preview sends the chosen file with
  // dry_run=1 and shows what would change and every rejected row with
  // its line; Import now sends the same file for real.
  function importForm(form) {
    var out = document.getElementById("import-result");
    var run = document.getElementById("import-run");
    // chosen is the column mappings picked in the preview, COLUMN ->
    // FIELD; they go before the file, as the server reads the fields
    // that come before it.
    var chosen = {};
    function send(dry) {
      var body = new FormData();
      Object.keys(chosen).forEach(function (col) {
        if (chosen[col]) { body.append("map[" + col + "]", chosen[col]); }
      });
      body.append("file", form.querySelector("input[type=file]").files[0]);
      fetch(form.dataset.import + (dry ? "?dry_run=1" : ""), { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (rep) { show(rep, dry); })
        .catch(function (e) { out.textContent = String(e); });
    }
    function show(rep, dry) {
      out.replaceChildren();
      var p = document.createElement("p");
      if (rep.error) {
        p.className = "error";
        p.textContent = rep.error;
        out.appendChild(p);
        if (dry) { mapping([]); }
        run.hidden = true;
        return;
      }
      var l = out.dataset;
      p.id = dry ? "import-summary" : "import-done";
      p.textContent = (dry ? l.dry : l.done) + " " + rep.added + " " + l.added + ", " + rep.updated + " " + l.updated + ", " +
        rep.unchanged + " " + l.unchanged + ", " + rep.rejected.length + " " + l.rejected + ".";
      out.appendChild(p);
      if (rep.rejected.length) {
        var ul = document.createElement("ul");
        ul.id = "import-rejected";
        rep.rejected.forEach(function (x) {
          var li = document.createElement("li");
          li.textContent = l.line + " " + x.line + ": " + x.reason;
          ul.appendChild(li);
        });
        out.appendChild(ul);
      }
      if (dry) { mapping(rep.unknown_columns || []); }
      run.hidden = !dry;
    }
    // mapping shows one select per column herald does not know (and per
    // column already mapped), to preview again with them.
    function mapping(unknown) {
      var cols = unknown.slice();
      Object.keys(chosen).forEach(function (c) { if (cols.indexOf(c) < 0) { cols.push(c); } });
      if (!cols.length) { return; }
      var l = out.dataset, fs = document.createElement("fieldset");
      fs.id = "import-map";
      var note = document.createElement("p");
      note.className = "note";
      note.textContent = l.mapIntro;
      fs.appendChild(note);
      cols.forEach(function (col, i) {
        var lab = document.createElement("label"), sel = document.createElement("select");
        sel.id = "import-map-" + i;
        sel.name = "map[" + col + "]";
        lab.htmlFor = sel.id;
        lab.textContent = col;
        var opts = [["", l.mapKeep]].concat(l.fields.split(",").map(function (f) { return [f, f]; }), [["-", l.mapOut]]);
        opts.forEach(function (o) {
          var op = document.createElement("option");
          op.value = o[0];
          op.textContent = o[1];
          op.selected = (chosen[col] || "") === o[0];
          sel.appendChild(op);
        });
        sel.addEventListener("change", function () { chosen[col] = sel.value; run.hidden = true; });
        fs.appendChild(lab);
        fs.appendChild(sel);
      });
      var again = document.createElement("button");
      again.type = "button";
      again.id = "import-map-again";
      again.textContent = l.mapAgain;
      again.addEventListener("click", function () { send(true); });
      fs.appendChild(again);
      out.appendChild(fs);
    }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); send(true); });
    run.addEventListener("click", function () { send(false); });
    form.querySelector("input[type=file]").addEventListener("change", function () { run.hidden = true; chosen = {}; out.replaceChildren(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-import]").forEach(importForm);
    live();
  });
})();
