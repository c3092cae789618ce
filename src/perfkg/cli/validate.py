"""`perfkg validate SRC...`: check submissions against the review rules; text, Turtle, JSON or HTML report."""
from __future__ import annotations

import sys
from pathlib import Path

from perfkg.cli import add_batch_options, limits_from, print_error
from perfkg.errors import PerfkgError
from perfkg.validate.i18n import ui
from perfkg.validate.report import FAIL_ON, exit_code

FORMATS = ("text", "turtle", "json", "html")


def register(sub) -> None:
    p = sub.add_parser(
        "validate", help="按审核规则检查绩效文本 / check documents against the review rules",
        description="按审核规则（SHACL 形状，见 shapes/README.md）逐份检查绩效文本或其 RDF，输出审核报告。"
                    "退出码：0 通过，1 有 --fail-on 及以上级别的问题，2 有无法读取的输入。 / "
                    "Check budget-performance documents (or their RDF) one by one against the review rules "
                    "(SHACL shapes, see shapes/README.md) and report. Exit code: 0 pass, 1 findings at or above "
                    "--fail-on, 2 unusable input.")
    p.add_argument("sources", nargs="*", metavar="SRC",
                   help="绩效文本（*.txt）、RDF 文件（.ttl/.trig/.nt…）或目录 / documents, RDF files or folders")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="报告格式 / report format: text (default), turtle (sh:ValidationReport), json, html")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="报告语言 / report language (default zh)")
    p.add_argument("-o", "--out", metavar="FILE", help="把报告写入文件 / write the report to FILE")
    p.add_argument("--fail-on", choices=tuple(FAIL_ON), default="violation",
                   help="达到该级别即不通过（退出码 1）/ lowest level that fails (exit 1); default violation")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="覆盖审核参数，如 satisfaction-floor=90 / override a setting (see shapes/config.ttl)")
    p.add_argument("--config", metavar="FILE", help="审核参数文件（Turtle）/ settings file (Turtle, pks:value)")
    p.add_argument("--disable", action="append", default=[], metavar="RULE",
                   help="跳过规则，如 R13 或 R13,R23 / skip rules, e.g. R13 or R13,R23")
    p.add_argument("--no-link", action="store_true", help="不做职责关联（不检查 R40）/ skip mandate linking (no R40)")
    p.add_argument("--list-rules", action="store_true", help="列出规则后退出 / list the rules and exit")
    add_batch_options(p)
    p.set_defaults(run=run)


def _list_rules(lang: str) -> str:
    from perfkg.validate.shapes import load_shapes

    rows = {}
    for rule in load_shapes().rules.values():
        rows.setdefault((rule.rule, rule.severity), []).append(rule.label.get(lang, ""))
    key = lambda k: (not k[0].startswith("R"), k[0], k[1])  # noqa: E731
    return "".join(f"{r:<28} {ui(lang, s):<10} {'; '.join(sorted(set(labels)))}\n" for (r, s), labels in
                   sorted(rows.items(), key=lambda kv: key(kv[0])))


def run(args) -> int:
    from perfkg.validate import render_html, render_json, render_summary, render_text, render_turtle, validate_documents
    from perfkg.validate.settings import parse_assignments, read_config_file

    if args.list_rules:
        sys.stdout.write(_list_rules(args.lang))
        return 0
    if not args.sources:
        raise PerfkgError("请给出要检查的文件或目录", "give at least one file or folder to validate")
    config = read_config_file(args.config) if args.config else {}
    config.update(parse_assignments(args.set))
    disabled = {r.strip() for item in args.disable for r in item.split(",") if r.strip()}
    reports = validate_documents(args.sources, config=config, disabled=disabled, workers=args.workers,
                                 link=not args.no_link, limits=limits_from(args),
                                 on_error=lambda e: print_error(e, args.debug), progress=True)
    if args.format == "text":
        text = render_text(reports, args.lang, args.fail_on)
    elif args.format == "turtle":
        text = render_turtle(reports)
    elif args.format == "json":
        text = render_json(reports, args.fail_on)
    else:
        text = render_html(reports, args.lang, args.fail_on)
    if args.out:
        out = Path(args.out)
        if out.parent and not out.parent.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        sys.stdout.write(render_summary(reports, args.lang, args.fail_on))
        print(f"{'报告已写入' if args.lang == 'zh' else 'report written to'} {out}")
    else:
        sys.stdout.write(text)
    return exit_code(reports, args.fail_on)
