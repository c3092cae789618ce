"""Builds small documents in the Hebei template for robustness fixtures (our own wording, not the seed's)."""
from __future__ import annotations

HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据", ""]
ROWS = [
    ["产出指标", "数量指标", "举办讲座场次", "全年举办讲座场次", "≥6 场", "年度工作计划", ""],
    ["", "质量指标", "讲座满员率", "到场人数占座位数比例", "≥80%", "年度工作计划", ""],
    ["效益指标", "社会效益指标", "听众知识测试提升", "讲座前后测试得分提升", "≥10%", "历史标准", ""],
    ["满意度指标", "服务对象满意度指标", "听众满意度", "问卷调查满意比例", "≥90%", "年度工作计划", ""],
]


def project_block(number=1, name="社区科学讲堂经费", code="13990023P00100230001A", budget="12.00", fiscal="12.00",
                  other="", uses="讲座场地、讲师劳务及宣传材料", labels=("3 月底", "6 月底", "9 月底", "12 月底"),
                  values=("20%", "50%", "80%", "100%"), goals="1. 面向社区居民举办科学讲座。 2. 提升居民科学素养。",
                  header=HEADER, rows=ROWS) -> list[str]:
    label_cells = ["资金支出计 划（%）"] + [c for lab in labels for c in (lab, "")]
    value_cells = [""] + [c for v in values for c in (v, "")]
    lines = [
        f"{number}. {name}绩效目标表", "", "139901 临水市科学技术协会本级", "", "单位：万元", "",
        "\t".join(["项目编码", code, "", "项目名称", name, "", ""]),
        "\t".join(["预算规模及 资金用途", "预算数", budget, "其中：财政 资金", fiscal, "其他资金", other]),
        "\t".join(["", uses, "", "", "", "", ""]),
        "\t".join(label_cells), "\t".join(value_cells),
        "\t".join(["绩效目标", goals, "", "", "", "", ""]),
        "\t".join(header),
    ]
    lines += ["\t".join(r) for r in rows]
    return lines + [""]


def document(part1: list[str] | None = None, projects: list[list[str]] | None = None, year=2023,
             org="临水市科学技术协会", toc=True) -> str:
    if projects is None:
        projects = [project_block()]
    head = ["", f"{org} {year} 年部门预算绩效文本", "", f"{org}编制", "临水市财政局审核", ""]
    if toc:
        head += ["目 录", "", "第一部分 部门整体绩效目标", "", "一、总体绩效目标.....\t2", "",
                 "第二部分 预算项目绩效目标", ""]
        head += [f"{b[0].split('.', 1)[0]}.{b[0].split('. ', 1)[1]}\t{5 + i}" for i, b in enumerate(projects)] + [""]
    if part1 is None:
        part1 = ["一、总体绩效目标", "", "围绕服务科技工作者和提升公众科学素质开展工作。", "",
                 "二、分项绩效目标", "", "（一）组织科普讲座，普及科学知识。", "",
                 "三、工作保障措施", "", "（一）加强组织领导", "", "1.建立项目负责制度。", ""]
    body = ["第一部分", "", "部门整体绩效目标", ""] + part1 + ["第二部分", "", "预算项目绩效目标", ""]
    for block in projects:
        body += block
    return "\n".join(head + body) + "\n"


def write(tmp_path, text: str, name="doc.txt", encoding="utf-8", newline="\n"):
    path = tmp_path / name
    with open(path, "w", encoding=encoding, newline=newline) as f:
        f.write(text)
    return path
