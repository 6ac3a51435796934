// herald dashboard: keeps the enquiry queue and the waves' progress up
// to date without a reload, by polling the JSON API every 5 s. Rows are
// built with textContent, never HTML, so nothing from a message runs.
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

  function pollQueue(tbody) {
    var last = "";
    function tick() {
      get(tbody.dataset.liveQueue, function (rows) {
        var sig = JSON.stringify(rows);
        if (sig === last) {
          tbody.querySelectorAll("td.age").forEach(function (td) { td.textContent = age(td.dataset.received); });
          return;
        }
        // Rows already shown keep still; a new one is highlighted.
        var known = {};
        tbody.querySelectorAll("tr").forEach(function (tr) { known[tr.dataset.ref] = true; });
        last = sig;
        var frag = document.createDocumentFragment();
        rows.forEach(function (e) { frag.appendChild(queueRow(e, known)); });
        tbody.replaceChildren(frag);
      });
    }
    setInterval(tick, every);
    tick();
  }

  function pollWaves(tbody) {
    function tick() {
      get(tbody.dataset.liveWaves, function (all) {
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
      });
    }
    setInterval(tick, every);
  }

  // The list page's import: Preview sends the chosen file with
  // dry_run=1 and shows what would change and every rejected row with
  // its line; Import now sends the same file for real.
  function importForm(form) {
    var out = document.getElementById("import-result");
    var run = document.getElementById("import-run");
    function send(dry) {
      var body = new FormData(form);
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
      run.hidden = !dry;
    }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); send(true); });
    run.addEventListener("click", function () { send(false); });
    form.querySelector("input[type=file]").addEventListener("change", function () { run.hidden = true; out.replaceChildren(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-import]").forEach(importForm);
    document.querySelectorAll("[data-live-queue]").forEach(pollQueue);
    document.querySelectorAll("[data-live-waves]").forEach(pollWaves);
  });
})();
