"""docs/rules.md, generated from the catalogue: `python -m gongwen.proofread.docs > docs/rules.md`.

Each rule's documentation is its docstring: the first line is its summary, then its
description, then examples as lines starting 错误：/修正：/正确： (a literal \\n is a line
break). The tests read the same examples: every 错误 must be reported, every 正确 must not,
and every 修正 is what the fixes make of the 错误 above it."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

from gongwen.proofread.catalogue import Rule, selected_rules
from gongwen.proofread.diagnostic import Category

_KINDS = {"错误": "bad", "修正": "fixed", "正确": "good"}


@dataclass
class Example:
    bad: str = ""
    fixed: str | None = None


@dataclass
class RuleDoc:
    summary: str
    description: list[str] = field(default_factory=list)
    bad: list[Example] = field(default_factory=list)
    good: list[str] = field(default_factory=list)


def parse(rule: type[Rule]) -> RuleDoc:
    lines = inspect.cleandoc(rule.__doc__ or "").splitlines()
    doc = RuleDoc(lines[0])
    for line in lines[1:]:
        head, sep, value = line.partition("：")
        kind = _KINDS.get(head) if sep else None
        value = value.replace("\\n", "\n")
        if kind == "bad":
            doc.bad.append(Example(value))
        elif kind == "fixed" and doc.bad:
            doc.bad[-1].fixed = value
        elif kind == "good":
            doc.good.append(value)
        elif line.strip() or (doc.description and doc.description[-1]):
            doc.description.append(line)
    return doc


def _block(text: str) -> str:
    return "```text\n" + text + "\n```"


def render() -> str:
    from gongwen.proofread.rules.formulations import formulations

    all_rules = selected_rules(select=["GW"])
    out = [
        "# 审校规则（gongwen check）",
        "",
        "本页由 `python -m gongwen.proofread.docs > docs/rules.md` 从规则的文档字符串生成，"
        "请勿手改（测试会比对）。",
        "",
        "代码的百位是规则族：GW1xx 字词，GW2xx 重复，GW3xx 序号，GW4xx 日期与数字，"
        "GW5xx 规范表述，GW6xx 标点，GW7xx 占位符与模板说明，GW8xx 版面。"
        "`--select`/`--ignore` 按代码前缀选择（如 `--select GW6 --ignore GW604`）。"
        "修正分两种：**安全修正**（`--fix` 直接改）和**建议修正**（需人工确认）。",
        "",
        "| 代码 | 类别 | 规则 |",
        "|---|---|---|",
    ]
    for rule in all_rules:
        out.append(
            f"| [{rule.code}](#{rule.code.lower()}) | `{rule.category.value}` | {rule.summary()} |"
        )
    out.append("")
    for rule in all_rules:
        doc = parse(type(rule))
        opt_in = " · 默认不检查，`--select` 开启" if rule.opt_in else ""
        out += [
            f"## {rule.code}",
            "",
            f"**{doc.summary}** · 类别 `{rule.category.value}`{opt_in}",
            "",
        ]
        out += [*(line for line in doc.description), ""]
        for ex in doc.bad:
            out += ["错误：", "", _block(ex.bad), ""]
            if ex.fixed is not None:
                out += ["修正后：", "", _block(ex.fixed), ""]
        for good in doc.good:
            out += ["正确（不报告）：", "", _block(good), ""]
    version, entries = formulations()
    out += [
        "## 规范表述清单",
        "",
        f"GW501/GW502 使用的清单，版本 {version}（`src/gongwen/proofread/data/formulations.yaml`）。",
        "",
        "| 提法 | 原文 | 出处 |",
        "|---|---|---|",
    ]
    for f in entries:
        out.append(f"| {f.name or '—'} | {f.canonical} | {f.source} |")
    categories = ", ".join(f"`{c.value}`" for c in Category)
    out += ["", f"类别（固定）：{categories}。", ""]
    return "\n".join(out)


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()
