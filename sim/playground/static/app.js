// corsim playground: plain JavaScript, no build step, nothing from elsewhere.
"use strict";

const $ = (id) => document.getElementById(id);
const src = $("src");
let labs = [];
let timer = 0;
let runSeq = 0;

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k instanceof Node ? k : String(k));
  return e;
}

async function postJSON(url, body) {
  const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  if (!r.ok) throw new Error(url + ": " + r.status + " " + (await r.text()).trim());
  return r.json();
}

function scenarioName() {
  return $("lab").value || "scenario.txtar";
}

function chosenBrowsers() {
  const boxes = [...document.querySelectorAll('input[name="browser"]:checked')].map((b) => b.value);
  return boxes.includes("") ? [] : boxes;
}

// Errors: each at its line; choosing one selects that line in the editor.
function showErrors(errors) {
  const box = $("errors-box"), list = $("errors");
  list.replaceChildren();
  box.hidden = errors.length === 0;
  for (const e of errors) {
    const text = (e.line ? "line " + e.line + ": " : "") + e.message;
    if (!e.line) { list.append(el("li", {}, text)); continue; }
    const a = el("a", {href: "#src", "data-line": e.line}, text);
    a.addEventListener("click", (ev) => { ev.preventDefault(); selectLine(e.line); });
    list.append(el("li", {}, a));
  }
}

function selectLine(n) {
  const lines = src.value.split("\n");
  let start = 0;
  for (let i = 0; i < n - 1 && i < lines.length; i++) start += lines[i].length + 1;
  const end = start + (lines[n - 1] || "").length;
  src.focus();
  src.setSelectionRange(start, end);
  const lh = parseFloat(getComputedStyle(src).lineHeight) || 18;
  src.scrollTop = Math.max(0, (n - 3) * lh);
}

async function run() {
  const seq = ++runSeq;
  $("status").textContent = "running…";
  let res;
  try {
    res = await postJSON("api/run", {name: scenarioName(), source: src.value, browsers: chosenBrowsers()});
  } catch (e) {
    $("status").textContent = "could not run: " + e.message;
    return;
  }
  if (seq !== runSeq) return; // a newer edit is on its way
  showErrors(res.errors || []);
  if (res.errors && res.errors.length) {
    $("status").textContent = res.errors.length + " problem(s) in the scenario";
    return;
  }
  const sc = res.report.scenarios[0];
  const v = $("verdicts");
  v.replaceChildren(el("p", {}, "Verdicts: ", ...sc.runs.flatMap((r, i) => [
    i ? ", " : "", r.profile + " ", el("span", {class: r.ok ? "pass" : "fail"}, r.ok ? "pass" : "fail (" + r.failures.length + ")")])));
  $("report").innerHTML = res.html; // html/template output from corsim: escaped
  $("status").textContent = sc.ok ? "ran: every expectation held" : "ran: some expectations failed";
}

function scheduleRun() {
  clearTimeout(timer);
  timer = setTimeout(run, 500);
}

function guessProfile() {
  const ua = navigator.userAgent;
  if (/Firefox\//.test(ua)) return "firefox";
  if (/Safari\//.test(ua) && !/Chrom(e|ium)\//.test(ua)) return "webkit";
  return "chromium";
}

// ---- run in this browser ----

function initOf(f) {
  const init = {method: f.method, headers: f.headers};
  for (const k of ["mode", "credentials", "redirect", "cache"]) if (f[k]) init[k] = f[k];
  if (f.body !== null && f.body !== undefined) {
    if (f.bodyType === "urlsearchparams") init.body = new URLSearchParams(f.body);
    else if (f.bodyType === "blob") init.body = new Blob([f.body]);
    else if (f.bodyType === "bytes") init.body = new TextEncoder().encode(f.body);
    else init.body = f.body;
  }
  return init;
}

async function realFetch(f) {
  const out = {resolved: false};
  try {
    const r = await fetch(f.url, initOf(f));
    out.resolved = true;
    out.type = r.type;
    out.status = r.status;
    out.headers = [...r.headers.keys()].sort();
    try { out.body = (await r.text()).slice(0, 200); } catch (e) { out.body = "(" + e.name + ")"; }
  } catch (e) {
    out.error = e.name + ": " + e.message;
  }
  return out;
}

function pathOf(u) {
  try { const x = new URL(u); return x.pathname + x.search; } catch (e) { return u; }
}

function predictedFetch(doc, line) {
  const run = doc.scenarios[0].runs[0];
  const st = run && run.steps.find((s) => s.line === line && s.fetch);
  return st ? st.fetch : null;
}

function row(what, predicted, real) {
  const same = predicted === real;
  return el("tr", {}, el("th", {scope: "row"}, what), el("td", {}, el("pre", {}, predicted)), el("td", {}, el("pre", {}, real)),
    el("td", {class: same ? "agree" : "differ"}, same ? "same" : "differs"));
}

function compare(step, p, real, seen, profile) {
  const box = el("section", {class: "live-fetch", "aria-label": "line " + step.line});
  box.append(el("h3", {}, "line " + step.line + " ", el("code", {}, step.text)));
  const predResolved = p && (p.outcome === "allowed" || p.outcome === "opaque");
  const pHeaders = p && p.response ? p.response.headers.map((h) => h.name.toLowerCase()).filter((v, i, a) => a.indexOf(v) === i).sort().join(", ") : "-";
  const pSeen = p ? p.wire.filter((x) => x.request && !x.notSent).map((x) => x.request.method + " " + pathOf(x.request.url)).join("\n") : "";
  const pPreflight = p && p.preflight && p.preflight.sent ? "sent" : "not sent";
  const rSeen = seen.map((s) => s.method + " " + s.path).join("\n");
  const rPreflight = seen.some((s) => s.method === "OPTIONS" && s.headers.some((h) => h[0].toLowerCase() === "access-control-request-method")) ? "sent" : "not sent";
  const t = el("table", {},
    el("caption", {class: "meta"}, "corsim (" + profile + ") beside this browser"),
    el("tr", {}, el("th", {scope: "col"}, "what"), el("th", {scope: "col"}, "corsim predicts"), el("th", {scope: "col"}, "this browser"), el("th", {scope: "col"}, "agree?")),
    row("promise", p ? (predResolved ? "resolved" : "rejected") : "-", real.resolved ? "resolved" : "rejected"),
    row("status", predResolved && p.response ? String(p.response.status) : "-", real.resolved ? String(real.status) : "-"),
    row("readable headers", predResolved ? pHeaders || "(none)" : "-", real.resolved ? real.headers.join(", ") || "(none)" : "-"),
    row("preflight", pPreflight, rPreflight),
    row("requests the server saw", pSeen || "(none)", rSeen || "(none)"));
  box.append(t);
  if (real.error) box.append(el("p", {class: "meta"}, "script got: ", el("code", {}, real.error), " (the console tells why)"));
  return box;
}

async function liveRun() {
  const out = $("live-out"), status = $("live-status"), btn = $("live-run");
  out.replaceChildren();
  $("caveats").replaceChildren();
  btn.disabled = true;
  status.textContent = "starting the servers…";
  const profile = $("profile").value;
  try {
    const plan = await postJSON("api/live", {name: scenarioName(), source: src.value, page: location.origin, profile});
    if (plan.errors && plan.errors.length) {
      showErrors(plan.errors);
      status.textContent = "cannot run this scenario in this browser: " + plan.errors[0].message;
      return;
    }
    for (const c of plan.caveats || []) $("caveats").append(el("li", {}, c));
    const origins = Object.entries(plan.origins).map(([a, b]) => a + " → " + b).join("; ");
    out.append(el("p", {class: "meta"}, "Origins: " + origins));
    let seenFrom = 0, agree = 0, fetches = 0;
    for (const step of plan.steps) {
      if (step.kind === "server") {
        const r = await postJSON("api/live/" + plan.id + "/step", {line: step.line});
        if (r.errors.length) { out.append(el("p", {class: "fail"}, "line " + step.line + ": " + r.errors[0].message)); return; }
      } else if (step.kind === "advance") {
        status.textContent = "line " + step.line + ": waiting " + step.waitMillis + " ms for real…";
        await new Promise((ok) => setTimeout(ok, step.waitMillis + 50));
      } else if (step.kind === "skip") {
        out.append(el("p", {class: "meta"}, "line " + step.line + " not run in this browser: " + step.unsupported));
      } else if (step.kind === "fetch") {
        status.textContent = "line " + step.line + ": fetching…";
        const real = await realFetch(step.fetch);
        const seen = await (await fetch("api/live/" + plan.id + "/seen?from=" + seenFrom)).json();
        seenFrom += seen.length;
        const box = compare(step, predictedFetch(plan.predicted, step.line), real, seen, profile);
        fetches++;
        if (!box.querySelector(".differ")) agree++;
        out.append(box);
      }
    }
    status.textContent = "done: " + agree + " of " + fetches + " fetches as corsim predicts for " + profile;
  } catch (e) {
    status.textContent = "run in this browser failed: " + e.message;
  } finally {
    btn.disabled = false;
  }
}

async function start() {
  $("profile").value = guessProfile();
  labs = await (await fetch("api/labs")).json();
  for (const l of labs) $("lab").append(el("option", {value: l.name}, l.name.replace(/\.txtar$/, "") + (l.title ? " — " + l.title : "")));
  const want = new URLSearchParams(location.hash.slice(1)).get("lab");
  const first = labs.find((l) => l.name === want) || labs[0];
  if (first) { $("lab").value = first.name; src.value = first.source; }
  $("lab").addEventListener("change", () => {
    const l = labs.find((x) => x.name === $("lab").value);
    if (l) { src.value = l.source; history.replaceState(null, "", "#lab=" + l.name); run(); }
  });
  src.addEventListener("input", scheduleRun);
  src.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });
  for (const b of document.querySelectorAll('input[name="browser"]')) b.addEventListener("change", run);
  $("run").addEventListener("click", run);
  $("live-run").addEventListener("click", liveRun);
  run();
}

start();
