// The SPARQL editor page: YASGUI (@zazuko/yasgui) on perfkg's own endpoint, offline (prefixes and completions from
// perfkg's ontology, never prefix.cc or LOV), a cancel button that stops the server-side query (aborting the
// request closes its connection, and the endpoint kills the worker of a query whose client left), elapsed time,
// truncation, and an ECharts result plugin.
import Yasgui from "@zazuko/yasgui";
import "@zazuko/yasgui/build/yasgui.min.css";
import { draw, fits, guessSpec, specFromQueryText } from "./chart.js";

const page = JSON.parse(document.getElementById("editor-config").textContent);
const t = page.strings;
const endpoint = new URL(page.endpoint, location.href).toString();
let yasgui;

// -- completions from the server's own vocabulary (one bulk list per kind) ------------------------------------
const vocab = fetch(page.vocabulary).then((r) => r.json());
function offline(base, name, kind) {
  Yasgui.Yasqe.forkAutocompleter(base, {
    name,
    bulk: true,
    persistenceId: null,
    get: () => vocab.then((v) => v[kind]),
  });
}
offline("prefixes", "perfkg-prefixes", "prefixes");
offline("class", "perfkg-classes", "classes");
offline("property", "perfkg-properties", "properties");

// -- the chart plugin for YASR -------------------------------------------------------------------------------------
class ChartPlugin {
  constructor(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = t.chart;
  }
  spec() {
    const r = this.yasr.results;
    if (!r || r.getType() !== "json") return null;
    const vars = r.getVariables(), rows = r.getBindings();
    const tab = yasgui && yasgui.getTab();
    const declared = tab ? specFromQueryText(tab.getYasqe().getValue()) : null;
    const spec = declared || guessSpec(vars, rows);
    return fits(spec, vars, rows) ? spec : null;
  }
  canHandleResults() {
    try { return !!this.spec(); } catch (e) { return false; }
  }
  draw() {
    const el = document.createElement("div");
    el.className = "perfkg-chart";
    this.yasr.resultsEl.appendChild(el);
    const r = this.yasr.results;
    draw(el, this.spec(), r.getVariables(), r.getBindings(), null);
  }
  getIcon() {
    const icon = document.createElement("span");
    icon.textContent = "▥";
    return icon;
  }
}
Yasgui.Yasr.registerPlugin("perfkg-chart", ChartPlugin);

// -- the editor ----------------------------------------------------------------------------------------------------
let running = null; // {started, timer}
const status = document.getElementById("query-status");
const cancel = document.getElementById("cancel-query");

function show(text, cls) {
  status.textContent = text;
  status.className = "query-status " + (cls || "");
}

yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: {
    endpoint,
    method: "POST",
  },
  copyEndpointOnNewTab: true,
  endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
  persistenceId: "perfkg-editor",
  populateFromUrl: false, // ?query= is the workbench's "open in editor"; handled below
  yasqe: {
    autocompleters: ["variables", "perfkg-prefixes", "perfkg-classes", "perfkg-properties"],
    prefixCcApi: null,
    value: page.starter, // a new tab's text; the tabs of earlier visits are kept (localStorage)
  },
  yasr: { pluginOrder: ["table", "perfkg-chart", "response"], maxPersistentResponseSize: 200000 },
});

// "open in editor" from a library page: the query (parameters bound) in a tab of its own
const initial = page.query ? yasgui.addTab(true, { ...Yasgui.Tab.getDefaults(yasgui), name: page.name || "query" }) : yasgui.getTab();
if (page.query) initial.getYasqe().setValue(page.query);
initial.setEndpoint(endpoint);

yasgui.on("queryBefore", (_y, tab) => {
  watch(tab);
  if (running) clearInterval(running.timer);
  running = { started: Date.now() };
  running.timer = setInterval(() => show(`${t.running} ${((Date.now() - running.started) / 1000).toFixed(1)} s`, "running"), 100);
  cancel.disabled = false;
});

function finish(text, cls) {
  if (running) clearInterval(running.timer);
  cancel.disabled = true;
  const seconds = running ? ((Date.now() - running.started) / 1000).toFixed(2) : "";
  running = null;
  show(`${text} · ${seconds} s`, cls);
}

// Each tab's yasqe hands the raw response (headers included) to its listeners after YASR has read it.
const watched = new WeakSet();
function watch(tab) {
  const yasqe = tab.getYasqe();
  if (!yasqe || watched.has(yasqe)) return;
  watched.add(yasqe);
  yasqe.on("queryResponse", (_yasqe, response) => {
    if (!running) return; // cancelled: already reported
    if (response instanceof Error || !response || !response.ok) {
      finish(t.failed, "failed");
      return;
    }
    const results = tab.getYasr().results;
    const truncated = response.headers && response.headers.get("X-PerfKG-Truncated") === "true";
    const n = results && results.getType() === "json" ? results.getBindings().length : null;
    finish(`${t.done}${n !== null ? ` · ${n} ${t.rows}` : ""}${truncated ? ` · ${t.truncated}` : ""}`,
      truncated ? "truncated" : "done");
  });
}

cancel.addEventListener("click", () => {
  if (!running) return;
  finish(t.cancelled, "cancelled");
  const yasqe = yasgui.getTab().getYasqe();
  if (yasqe.abortController) yasqe.abortController.abort(new Error(t.cancelled)); // the reason YASR shows
  yasqe.abortQuery();
});
