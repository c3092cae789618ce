// Charts over SPARQL JSON results with Apache ECharts: the spec comes from a query's `# chart:` header
// (kind x=COLUMN y=COLUMN [series=COLUMN] [value=COLUMN] [stack]), or is guessed from the columns.
import * as echarts from "echarts/core";
import { BarChart, LineChart, HeatmapChart } from "echarts/charts";
import { GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, DataZoomComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent,
  VisualMapComponent, DataZoomComponent, CanvasRenderer]);

const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;

export function parseSpec(line) {
  // "bar x=mandate y=budget series=level1 stack" -> {kind, x, y, series, value, stack}
  if (!line) return null;
  const [kind, ...rest] = line.trim().split(/\s+/);
  const spec = { kind };
  for (const part of rest) {
    const [k, v] = part.split("=");
    spec[k] = v === undefined ? true : v;
  }
  return ["bar", "line", "heatmap"].includes(kind) ? spec : null;
}

export function specFromQueryText(text) {
  const m = /^#\s*chart\s*:\s*(.+)$/m.exec(text || "");
  return m ? parseSpec(m[1]) : null;
}

function isNumber(cell) {
  return cell && cell.type !== "uri" && (NUMERIC.test(cell.datatype || "") || /^-?\d+(\.\d+)?$/.test(cell.value));
}

// A spec for a result with no declared chart: the first label column against the first numeric one.
export function guessSpec(vars, bindings) {
  const numeric = vars.filter((v) => bindings.length && bindings.every((b) => !b[v] || isNumber(b[v])) && bindings.some((b) => b[v]));
  const labels = vars.filter((v) => !numeric.includes(v) && bindings.some((b) => b[v]));
  return numeric.length && labels.length ? { kind: "bar", x: labels[0], y: numeric[0] } : null;
}

// Offered only when the result has the columns the chart needs, with numbers where numbers are needed.
export function fits(spec, vars, bindings) {
  if (!spec || !bindings.length) return false;
  const need = [spec.x, spec.y, spec.series, spec.value].filter((c) => typeof c === "string");
  if (!need.every((c) => vars.includes(c))) return false;
  const measure = spec.kind === "heatmap" ? spec.value : spec.y;
  return bindings.some((b) => isNumber(b[measure]));
}

function text(cell, labels) {
  if (!cell) return "";
  return (labels && labels[cell.value]) || cell.value;
}

export function draw(el, spec, vars, bindings, labels) {
  const existing = echarts.getInstanceByDom(el);
  if (existing) existing.dispose();
  const chart = echarts.init(el, null, { renderer: "canvas" });
  let categories = [...new Set(bindings.map((b) => text(b[spec.x], labels)))];
  if (categories.every((c) => c !== "" && !isNaN(Number(c)))) categories = categories.sort((a, b) => Number(a) - Number(b));
  let option;
  if (spec.kind === "heatmap") {
    const ys = [...new Set(bindings.map((b) => text(b[spec.y], labels)))];
    const data = bindings.filter((b) => isNumber(b[spec.value])).map((b) => [
      categories.indexOf(text(b[spec.x], labels)), ys.indexOf(text(b[spec.y], labels)), Number(b[spec.value].value)]);
    const values = data.map((d) => d[2]);
    option = {
      tooltip: { position: "top" },
      grid: { containLabel: true, left: 10, right: 10, bottom: 60 },
      xAxis: { type: "category", data: categories, axisLabel: { rotate: 30 } },
      yAxis: { type: "category", data: ys },
      visualMap: { min: Math.min(...values, 0), max: Math.max(...values, 1), calculable: true, orient: "horizontal", left: "center", bottom: 0 },
      series: [{ type: "heatmap", data, label: { show: true } }],
    };
  } else {
    const groups = spec.series ? [...new Set(bindings.map((b) => text(b[spec.series], labels)))] : [spec.y];
    const series = groups.map((g) => {
      const byX = new Map();
      for (const b of bindings) {
        if (spec.series && text(b[spec.series], labels) !== g) continue;
        if (isNumber(b[spec.y])) byX.set(text(b[spec.x], labels), (byX.get(text(b[spec.x], labels)) || 0) + Number(b[spec.y].value));
      }
      return { name: g, type: spec.kind, stack: spec.stack ? "total" : undefined, data: categories.map((c) => (byX.has(c) ? byX.get(c) : null)), connectNulls: true };
    });
    option = {
      tooltip: { trigger: "axis" },
      legend: spec.series ? { type: "scroll", top: 0 } : undefined,
      grid: { containLabel: true, left: 10, right: 20, top: spec.series ? 64 : 36, bottom: 10 },
      xAxis: { type: "category", data: categories, axisLabel: categories.length > 6
        ? { rotate: 30, width: 160, overflow: "truncate" }
        : { interval: 0, width: Math.max(80, Math.floor(el.clientWidth / categories.length) - 16), overflow: "break" } },
      yAxis: { type: "value", name: spec.y, nameTextStyle: { align: "left" } },
      dataZoom: categories.length > 30 ? [{ type: "inside" }, { type: "slider" }] : undefined,
      series,
    };
  }
  chart.setOption(option);
  return chart;
}
