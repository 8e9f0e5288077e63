"""Parsing official documents: the seed file, heading styles, splitting, and loss-free parsing."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongwen.model import BlockKind, SectionKind
from gongwen.parse.structure import parse_text

SEED_DOCS = [
    ("2020年上半年工作总结（退役军人事务局）", "退役军人事务局", "退役军人事务局"),
    ("2020年上半年工作总结（市场监管局）", "市场监管局", "市场监管局"),
    ("2020年上半年工作总结（交通运输局）", "交通运输局", "交通运输局"),
    ("2020年上半年工作总结（科技局）", "科技局", "科技局"),
    ("2020年上半年工作总结（科技馆）", "科技馆", "事业单位"),
    ("2020年上半年工作总结（高速公路公司）", "高速公路公司", "国有企业"),
]
SEED_TOP_HEADINGS = {
    "退役军人事务局": ["一、工作开展情况", "二、存在主要问题", "三、下半年工作计划"],
    "市场监管局": ["一、上半年主要职能工作情况", "二、下半年工作思路"],
    "交通运输局": [
        "一、主要工作完成情况",
        "二、主要工作措施",
        "三、存在的问题",
        "四、下半年工作打算",
    ],
    "科技局": ["上半年主要工作", "二、存在的问题和困难", "三、下半年工作打算"],
    "科技馆": ["一、上半年工作总结", "二、存在的问题", "三、下半年工作计划"],
    "高速公路公司": [
        "第一部分 2020年上半年主要营运工作",
        "第二部分  2020年下半年营运管理主要工作计划",
    ],
}


def test_seed_splits_into_six_documents_behind_its_advertising_header(seed_text: str) -> None:
    parsed = parse_text(seed_text)
    got = [(d.title, d.organisation, d.organisation_kind) for d in parsed.documents]
    assert got == SEED_DOCS
    assert all(
        (d.year, d.period, d.doc_type) == (2020, "上半年", "工作总结") for d in parsed.documents
    )
    assert parsed.preamble.startswith("仅供学习 禁止外传\n酷乐文行")
    assert "举报倒卖会员资料的人" in parsed.preamble
    assert not any("酷乐文行" in d.text for d in parsed.documents)


def test_seed_top_level_headings_as_written(seed_text: str) -> None:
    for doc in parse_text(seed_text).documents:
        top = [s.title for s in doc.sections if s.level == 1]
        assert top == SEED_TOP_HEADINGS[doc.organisation], doc.title


def test_seed_section_kinds_and_nesting(seed_text: str) -> None:
    transport = parse_text(seed_text).documents[2]
    kinds = {s.title: s.kind for s in transport.sections if s.level == 1}
    assert kinds == {
        "一、主要工作完成情况": SectionKind.WORK_DONE,
        "二、主要工作措施": SectionKind.PRACTICES,
        "三、存在的问题": SectionKind.PROBLEMS,
        "四、下半年工作打算": SectionKind.NEXT_STEPS,
    }
    sub = [
        s
        for s in transport.sections
        if s.label == "（一）" and s.heading == "坚持项目为本，夯实托牢发展底盘"
    ]
    assert len(sub) == 1 and sub[0].level == 2
    assert transport.sections[sub[0].parent].title == "二、主要工作措施"
    # A sub-heading inherits its family: （四）统筹兼顾补短板促转型 is a plan, not a problem.
    plan = next(s for s in transport.sections if s.heading == "统筹兼顾补短板促转型。")
    assert plan.kind is SectionKind.NEXT_STEPS


def test_numbered_sentence_headings_split_from_their_paragraph(seed_text: str) -> None:
    tech = parse_text(seed_text).documents[3]
    first = next(s for s in tech.sections if s.label == "1.")
    assert first.heading == "加快推进创新示范区建设。"
    assert tech.sections[first.parent].title == "上半年主要工作"
    para = next(p for p in tech.paragraphs if p.section == tech.sections.index(first))
    assert para.text.startswith("市委、市政府多次召开调度会")


def test_seed_enumerations(seed_text: str) -> None:
    veterans = parse_text(seed_text).documents[0]
    starts = [
        p for p in veterans.paragraphs if p.items and p.text.startswith("一是强化思想政治建设")
    ]
    assert len(starts) == 1 and starts[0].items[0].marker == "一是"
    markers = [it.marker for p in veterans.paragraphs for it in p.items]
    assert markers[:3] == ["一是", "二是", "三是"]
    # 一是…二是… inside one paragraph are separate items spanning the text between them.
    tech = parse_text(seed_text).documents[3]
    para = next(p for p in tech.paragraphs if "一是积极落实政策" in p.text)
    texts = [para.text[it.start : it.end] for it in para.items]
    assert texts[0].startswith("一是积极落实政策") and texts[1].startswith("二是")
    assert "二是" not in texts[0]


def test_every_placeholder_in_the_seed_is_found(seed_text: str) -> None:
    for doc in parse_text(seed_text).documents:
        expected = [m.span() for m in re.finditer(r"[X×]+%?", doc.text)]
        assert [(p.start, p.end) for p in doc.placeholders] == expected
        for p in doc.placeholders:
            assert doc.text[p.start : p.end] == p.text
            assert p.label
    veterans = parse_text(seed_text).documents[0]
    labelled = {(p.label, p.unit) for p in veterans.placeholders}
    assert ("受理人数", "人") in labelled  # 累计受理XX人
    assert ("市名", "") in labelled  # XX市


@pytest.mark.parametrize(
    "line, label, heading",
    [
        ("一、总体要求", "一、", "总体要求"),
        ("十二、其他事项", "十二、", "其他事项"),
        ("（三）强化保障", "（三）", "强化保障"),
        ("(三)强化保障", "(三)", "强化保障"),
        ("1.加强学习。", "1.", "加强学习。"),
        ("１．加强学习", "１．", "加强学习"),
        ("（2）做好宣传", "（2）", "做好宣传"),
        ("第三部分 下步打算", "第三部分 ", "下步打算"),
        ("第二章　总则", "第二章　", "总则"),
    ],
)
def test_heading_styles_full_and_half_width(line: str, label: str, heading: str) -> None:
    doc = parse_text(f"标题一行\n{line}\n{'正文内容较长的一段话，' * 5}\n").documents[0]
    assert [(s.label, s.heading) for s in doc.sections] == [(label, heading)]


@pytest.mark.parametrize(
    "line",
    [
        "1.5亿元资金已经到位，用于项目建设。",  # a decimal, not 1.
        "（一）公民、法人或者其他组织；",  # a list item of a law article
        "2020年，全市经济运行平稳。",
        "一是加强学习。二是改进作风。",
    ],
)
def test_lines_that_are_not_headings(line: str) -> None:
    doc = parse_text(f"标题一行\n{line}\n").documents[0]
    assert doc.sections == []
    assert [p.text for p in doc.paragraphs] == [line]


def test_heading_levels_follow_the_styles_used() -> None:
    text = "标题\n一、甲\n1.乙\n（1）丙\n二、丁\n（一）戊\n1.己\n"
    doc = parse_text(text).documents[0]
    assert [(s.title, s.level) for s in doc.sections] == [
        ("一、甲", 1),
        ("1.乙", 2),
        ("（1）丙", 3),
        ("二、丁", 1),
        ("（一）戊", 2),
        ("1.己", 3),
    ]
    assert doc.heading_path(5) == ["二、丁", "（一）戊", "1.己"]


def test_a_title_line_inside_a_heading_does_not_split() -> None:
    text = "2020年工作总结（某局）\n一、2020年上半年工作总结\n正文。\n二、2020年下半年工作计划\n正文。\n"
    parsed = parse_text(text)
    assert len(parsed.documents) == 1
    assert [s.label for s in parsed.documents[0].sections] == ["一、", "二、"]


def test_file_without_title_lines_is_one_document_titled_by_hint() -> None:
    parsed = parse_text("各位代表：\n现在，我代表政府报告工作。\n", title_hint="2025年政府工作报告")
    assert [d.title for d in parsed.documents] == ["2025年政府工作报告"]
    assert parsed.documents[0].doc_type == "政府工作报告"


def test_markdown_title_and_headings() -> None:
    md = "# 中华人民共和国某某法\n2020年1月1日施行\n<!-- INFO END -->\n## 第一章 总则\n第一条 为了规范。\n"
    doc = parse_text(md, markdown=True).documents[0]
    assert doc.title == "中华人民共和国某某法"
    assert [(s.label, s.heading, s.level) for s in doc.sections] == [("第一章 ", "总则", 1)]
    assert doc.year == 2020


def test_crlf_survives_parsing() -> None:
    text = "2020年上半年工作总结（科技局）\r\n一、工作情况\r\n正文一。\r\n"
    parsed = parse_text(text)
    assert "".join(b.raw for b in parsed.blocks) == text
    assert parsed.documents[0].sections[0].heading == "工作情况"


# Text built from the pieces official documents are made of, so the property explores headings,
# titles and enumerations rather than only random noise.
_pieces = st.sampled_from(
    [
        "2020年上半年工作总结（交通运输局）",
        "一、",
        "（一）",
        "1.",
        "１．",
        "（1）",
        "第一部分 ",
        "一是",
        "二是",
        "XX",
        "X%",
        "。",
        "，",
        "；",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "　",
        " ",
        "加强学习",
        "存在的问题",
        "下半年工作打算",
        "# ",
        "## ",
        "<!-- x -->",
        "\u2028",
        "\x0c",
    ]
)
_texts = st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_texts, st.booleans())
def test_parsing_is_loss_free(text: str, markdown: bool) -> None:
    parsed = parse_text(text, markdown=markdown)
    assert "".join(b.raw for b in parsed.blocks) == text
    for doc in parsed.documents:
        assert doc.text == "".join(b.raw for b in doc.blocks)
        for s in doc.sections:
            assert (
                doc.text[s.start :]
                .lstrip(" \t\u3000#")
                .startswith(s.label.lstrip(" \t\u3000#")[:1])
            )
        for p in doc.paragraphs:
            assert doc.text[p.start : p.start + len(p.text)] == p.text
        for ph in doc.placeholders:
            assert doc.text[ph.start : ph.end] == ph.text
    kinds = [b.kind for b in parsed.blocks]
    if BlockKind.PREAMBLE in kinds:
        assert kinds.index(BlockKind.PREAMBLE) == 0


def test_split_false_keeps_one_document(seed_text: str) -> None:
    body = seed_text.split("2020年上半年工作总结（退役军人事务局）", 1)[1]
    whole = "2020年上半年工作总结（退役军人事务局）" + body
    parsed = parse_text(whole, split=False, title_hint="x")
    assert len(parsed.documents) == 1 and parsed.preamble == ""
    assert parsed.documents[0].title == "2020年上半年工作总结（退役军人事务局）"
    assert parsed.documents[0].text == whole
    untitled = parse_text(
        "一、工作情况\n正文。\n2021年工作总结（某局）\n正文。\n", split=False, title_hint="某材料"
    )
    assert [d.title for d in untitled.documents] == ["某材料"]


LAW = """# 中华人民共和国某某法
2018年12月29日 第十三届全国人民代表大会常务委员会第七次会议通过
<!-- INFO END -->
## 第一章 总则
第一条 为了规范某某工作，制定本法。
第二条 本法所称某某，包括：
（一）甲；
（二）乙。
## 第二章 保障措施
第三条 国家加强保障。
（一）及时、如实报告。
"""


def test_a_law_has_chapters_and_articles_and_its_enumerations_are_items() -> None:
    doc = parse_text(LAW, markdown=True).documents[0]
    tree = [(s.level, s.label.strip(), s.heading) for s in doc.sections]
    assert tree == [
        (1, "第一章", "总则"),
        (2, "第一条", ""),
        (2, "第二条", ""),
        (1, "第二章", "保障措施"),
        (2, "第三条", ""),
    ]
    items = [(p.text.strip(), [i.marker for i in p.items]) for p in doc.paragraphs if p.items]
    assert items == [
        ("（一）甲；", ["（一）"]),
        ("（二）乙。", ["（二）"]),
        ("（一）及时、如实报告。", ["（一）"]),
    ]
    # The enumerations belong to their article; a law's chapter is not a report's 主要做法.
    article = doc.sections[2]
    assert [p.text for p in doc.paragraphs if p.section == 2] == [
        "本法所称某某，包括：",
        "（一）甲；",
        "（二）乙。",
    ]
    assert article.label.strip() == "第二条"
    assert {str(s.kind) for s in doc.sections} == {"其他"}
    assert (doc.doc_type, doc.organisation) == ("法律", "全国人民代表大会常务委员会")
    assert doc.doc_date == "2018-12-29"
    assert "".join(b.raw for b in parse_text(LAW, markdown=True).blocks) == LAW


@pytest.mark.parametrize(
    "title, doc_type, organisation",
    [
        ("上海市人口与计划生育条例", "法规", ""),
        ("2020年上半年工作总结（科技局）", "工作总结", "科技局"),
        ("2026年海南省政府工作报告", "政府工作报告", "海南省人民政府"),
        ("一、2019年工作计划", "工作计划", ""),  # 一 is no organisation
        ("摘要2020年工作要点", "工作计划", ""),
        ("最高人民法院关于适用时间效力的若干规定", "司法解释", "最高人民法院"),
        ("第十四届全国人民代表大会第三次会议关于政府工作报告的决议", "决议", "全国人民代表大会"),
    ],
)
def test_type_and_organisation_from_the_title(title: str, doc_type: str, organisation: str) -> None:
    doc = parse_text(f"{title}\n正文第一段。\n", title_hint=title, split=False).documents[0]
    assert (doc.doc_type, doc.organisation) == (doc_type, organisation)
