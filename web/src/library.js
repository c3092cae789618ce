// Library, browse and report pages: sortable tables, and the chart declared by the query (ECharts).
import { draw, fits } from "./chart.js";

// -- sortable tables: click a header; numbers sort as numbers, the rest by the page language's collation ----------
const collator = new Intl.Collator(document.documentElement.lang || "zh-CN", { numeric: true });
for (const table of document.querySelectorAll("table.sortable")) {
  table.querySelectorAll("thead th").forEach((th, column) => {
    th.tabIndex = 0;
    const sort = () => {
      const body = table.tBodies[0];
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const key = (row) => {
        const cell = row.cells[column];
        return cell ? (cell.dataset.sort ?? cell.textContent.trim()) : "";
      };
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = key(a), y = key(b), nx = Number(x), ny = Number(y);
        const order = x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny) ? nx - ny : collator.compare(x, y);
        return ascending ? order : -order;
      });
      rows.forEach((r) => body.appendChild(r));
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter") sort(); });
  });
}

// -- the declared chart ---------------------------------------------------------------------------------------------
const data = document.getElementById("result-data");
const el = document.getElementById("chart");
if (data && el) {
  const { spec, vars, bindings, labels } = JSON.parse(data.textContent);
  if (fits(spec, vars, bindings)) {
    el.hidden = false;
    const chart = draw(el, spec, vars, bindings, labels);
    window.addEventListener("resize", () => chart.resize());
    el.dataset.drawn = "true";
  }
}
