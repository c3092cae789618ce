"""The workbench's user-facing words in Chinese and English, and how a request picks its language (zh by default)."""
from __future__ import annotations

from starlette.requests import Request

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
COOKIE = "perfkg_lang"

STRINGS: dict[str, tuple[str, str]] = {
    # navigation and frame
    "brand": ("perfkg 绩效知识图谱工作台", "perfkg workbench"),
    "home": ("首页", "Home"),
    "library": ("查询库", "Query library"),
    "editor": ("SPARQL 编辑器", "SPARQL editor"),
    "browse": ("浏览", "Browse"),
    "validate": ("检查文本", "Check a submission"),
    "language": ("语言", "Language"),
    "footer": ("perfkg 工作台 · 只读 / read-only · 所有资源均由本服务器提供", "perfkg workbench · read-only / 只读 · every asset is served by this server"),
    # home
    "home_intro": ("部门预算绩效文本知识图谱：查询、图表、浏览、检查。", "The knowledge graph of budget-performance documents: queries, charts, browsing, checks."),
    "home_library": ("带参数的常用分析问题，表格、图表和下载。", "The analysts' questions with parameters, as tables, charts and downloads."),
    "home_editor": ("直接编写 SPARQL 查询：自动补全、可取消、结果图表。", "Write SPARQL directly: completion, cancel, result charts."),
    "home_browse": ("部门 → 年度文本 → 项目 → 指标及其职责依据与出处。", "Department → documents by year → projects → indicators, with mandates, evidence and source lines."),
    "home_validate": ("上传绩效文本，查看审核规则检查报告（不保存上传文件）。", "Upload documents and see the review-rule report (uploads are never stored)."),
    "endpoint": ("SPARQL 端点", "SPARQL endpoint"),
    "endpoint_limits": ("GET/POST /sparql（SPARQL 1.1 协议，只读）；每个查询最多 {timeout} 秒、{max_rows} 行；查询库 JSON：/queries",
                        "GET/POST /sparql (SPARQL 1.1 Protocol, read-only); each query at most {timeout} s and {max_rows} rows; library as JSON: /queries"),
    "store_summary": ("知识库：{documents} 份文本，{projects} 个项目", "Store: {documents} documents, {projects} projects"),
    # library
    "query": ("查询", "Query"),
    "parameters": ("参数", "Parameters"),
    "run": ("运行", "Run"),
    "columns": ("列", "Columns"),
    "results": ("结果", "Results"),
    "rows": ("行", "rows"),
    "no_rows": ("没有结果。", "No results."),
    "truncated": ("结果已截断（超出行数上限）", "result truncated (row limit reached)"),
    "download": ("下载", "Download"),
    "permalink": ("永久链接", "Permalink"),
    "open_in_editor": ("在编辑器中打开", "Open in editor"),
    "chart": ("图表", "Chart"),
    "sparql_text": ("SPARQL 查询文本", "SPARQL text"),
    "elapsed": ("用时 {seconds} 秒", "{seconds} s"),
    "unknown_query": ("没有名为“{name}”的查询", "no query named {name!r}"),
    "unknown_format": ("不支持的下载格式“{fmt}”（可用：csv、json、xlsx）", "unsupported download format {fmt!r} (csv, json, xlsx)"),
    "default": ("默认", "default"),
    # editor
    "cancel": ("取消查询", "Cancel query"),
    "running": ("运行中", "running"),
    "done": ("完成", "done"),
    "failed": ("失败", "failed"),
    "cancelled": ("已取消（服务器端查询已停止）", "cancelled (the server-side query was stopped)"),
    "editor_help": ("前缀与补全来自 perfkg 本体和概念体系；Ctrl+Enter 运行。", "Prefixes and completions come from perfkg's ontology and schemes; Ctrl+Enter runs."),
    # browse
    "departments": ("部门", "Departments"),
    "documents": ("文本", "Documents"),
    "year": ("年度", "Year"),
    "projects": ("项目", "Projects"),
    "indicators": ("指标", "Indicators"),
    "mandates": ("职责关联及依据", "Mandate links and evidence"),
    "properties": ("属性", "Properties"),
    "referenced_by": ("被引用", "Referenced by"),
    "source_location": ("出处", "Source"),
    "line": ("第 {first} 行", "line {first}"),
    "lines": ("第 {first}–{last} 行", "lines {first}–{last}"),
    "not_found": ("知识库中没有这个 IRI：{iri}", "this IRI is not in the store: {iri}"),
    "type": ("类型", "Type"),
    "turtle": ("Turtle 数据", "Turtle data"),
    # validate
    "validate_intro": ("选择一个或多个绩效文本（文本、PDF、Excel、Word、网页）或 RDF 文件；上传内容只用于本次检查，不会保存。", "Choose one or more documents (text, PDF, Excel, Word, web page) or RDF files; an upload is only checked, never stored."),
    "files": ("文件", "Files"),
    "check": ("检查", "Check"),
    "limit": ("每次最多 {files} 个文件，共 {mib} MiB。", "At most {files} files and {mib} MiB in total per check."),
    "report": ("检查报告", "Validation report"),
    "download_report": ("下载报告", "Download the report"),
    "no_file": ("没有选择文件", "no file chosen"),
    "too_large": ("上传内容超过 {mib} MiB 上限", "the upload exceeds the {mib} MiB limit"),
    "too_many": ("一次最多上传 {files} 个文件", "at most {files} files per upload"),
    "bad_form": ("上传表单无法读取：{detail}", "the upload form cannot be read: {detail}"),
    "bad_name": ("文件“{name}”不是 perfkg 能读取的类型（可用：{suffixes}）", "file {name!r} is not a kind perfkg reads ({suffixes})"),
    "validation_died": ("检查进程意外退出（内存不足？），请重试或分批上传", "the validation process died (out of memory?); retry, or upload fewer files at once"),
    # errors
    "query_failed": ("查询失败", "The query failed"),
    "bad_parameter": ("参数错误", "Bad parameter"),
}


def request_lang(request: Request) -> str:
    """?lang= wins, then the cookie the switch set, then zh."""
    for value in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if value in LANGS:
            return value
    return DEFAULT_LANG


def text(lang: str, key: str, **values) -> str:
    zh, en = STRINGS[key]
    return (zh if lang == "zh" else en).format(**values)


def both(key: str, **values) -> str:
    """Both languages, zh first: for errors and machine-facing messages."""
    zh, en = STRINGS[key]
    return f"{zh.format(**values)} / {en.format(**values)}"


def translator(lang: str):
    """The `t(key, **values)` function templates use."""
    return lambda key, **values: text(lang, key, **values)
