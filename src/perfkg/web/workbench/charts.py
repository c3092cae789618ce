"""Chart declarations of library queries: the `# chart: KIND x=COL y=COL [series=COL] [value=COL] [stack]` header."""
from __future__ import annotations

import re
from dataclasses import dataclass

from perfkg.errors import PerfkgError
from perfkg.queries import QueryInfo

KINDS = ("bar", "line", "heatmap")
_LINE = re.compile(r"^#\s*chart\s*:\s*(?P<spec>.+)$", re.MULTILINE)


@dataclass(frozen=True)
class ChartSpec:
    kind: str
    x: str
    y: str
    series: str | None = None
    value: str | None = None
    stack: bool = False

    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.x, self.y, self.series, self.value) if c)

    def as_json(self) -> dict:
        out = {"kind": self.kind, "x": self.x, "y": self.y, "stack": self.stack}
        out.update({k: v for k, v in (("series", self.series), ("value", self.value)) if v})
        return out


def parse_chart(spec: str, where: str = "") -> ChartSpec:
    kind, *parts = spec.split()
    fields: dict[str, str | bool] = {}
    for part in parts:
        key, sep, value = part.partition("=")
        fields[key] = value if sep else True
    unknown = set(fields) - {"x", "y", "series", "value", "stack"}
    if kind not in KINDS or unknown or not isinstance(fields.get("x"), str) or not isinstance(fields.get("y"), str) \
            or (kind == "heatmap" and not isinstance(fields.get("value"), str)):
        raise PerfkgError(f"{where}: 图表声明无效“{spec}”（格式：bar|line|heatmap x=列 y=列 [series=列] [value=列] [stack]）",
                          f"{where}: invalid chart declaration {spec!r} "
                          "(bar|line|heatmap x=COLUMN y=COLUMN [series=COLUMN] [value=COLUMN] [stack])")
    return ChartSpec(kind, fields["x"], fields["y"], fields.get("series") or None, fields.get("value") or None,
                     bool(fields.get("stack")))


def chart_of(query: QueryInfo) -> ChartSpec | None:
    """The chart a library query declares in its header, or None."""
    header = "\n".join(line for line in _header_lines(query.text))
    m = _LINE.search(header)
    return parse_chart(m.group("spec").strip(), f"{query.name}.rq") if m else None


def _header_lines(text: str):
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                return
            continue
        yield line
