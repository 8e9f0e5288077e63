"""Placeholders and the labels guessed from their context."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gongwen.parse.placeholders import find_placeholders
from gongwen.parse.structure import parse_text


@pytest.mark.parametrize(
    "text, placeholder, label, unit, kind",
    [
        ("全市累计受理XX人。", "XX", "受理人数", "人", "number"),
        ("收缴罚没款X万元。", "X", "罚没款", "万元", "money"),
        ("同比增长XX%。", "XX%", "同比增长率", "%", "percent"),
        ("同比增长XX％。", "XX％", "同比增长率", "%", "percent"),
        ("于X月X日召开会议。", "X", "月份", "月", "date"),
        ("XX市退役军人事务局", "XX", "市名", "", "place"),
        ("配合市委第X巡查组", "X", "巡查序号", "", "number"),
        ("XX书记多次召开会议", "XX", "书记姓名", "", "name"),
        # The counted thing after the measure word, not the word before the figure.
        ("全市XX家驾校和维修企业", "XX", "驾校数", "家", "number"),
        ("办理使用登记电梯X部、锅炉X台", "X", "电梯数", "部", "number"),
        ("及时拨付XX万双拥创建工作专项经费，", "XX", "双拥创建工作专项经费", "万", "money"),
        ("推荐X位科技创新人才", "X", "科技创新人才数", "位", "number"),
        # A 市长 is a person, a 日报 a newspaper.
        ("XX市长多次调研", "XX", "市长姓名", "", "name"),
        ("刊登在《X日报》上", "X", "日报名称", "", "name"),
        ("高速公路完成投资XX亿元", "XX", "高速公路投资额", "亿元", "money"),
        ("全市公路水路完成客运量XX万人次", "XX", "客运量", "万人次", "number"),
        # A name is of the noun after it, or of a place when an activity follows.
        ("加快完善物流体系，XX物流园建成投入使用。", "XX", "物流园名称", "", "name"),
        ("围绕XX发展战略，加大工作力度", "XX", "战略名称", "", "name"),
        ("认真做好XX防汛、创文创卫等工作", "XX", "地名", "", "place"),
        ("购买了球幕影片《XX》的播放权", "XX", "影片名称", "", "name"),
        ("举办“XX活动”，邀请专家", "XX", "活动名称", "", "name"),
        ("XX市场监督管理局将着眼新形势", "XX", "地名", "", "place"),
        # Linking verbs: the thing is before them.
        ("享受补助的优抚对象共计XX人，", "XX", "优抚对象数", "人", "number"),
        ("仓储业规上企业营业收入达XX亿元，", "XX", "规上企业营业收入", "亿元", "money"),
        # The figure before's measure word belongs to it; a short list shares one figure.
        ("拆除违章建筑XX处XX平方米", "XX", "违章建筑数", "处", "number"),
        ("累计发放抚恤金、生活补助XX万元；", "XX", "抚恤金生活补助", "万元", "money"),
        ("下达《特种设备安全监察指令书》X份", "X", "安全监察指令书数", "份", "number"),
        ("主楼XX楼常设展厅", "XX", "楼层", "楼", "number"),
        ("已XX次督促设计公司完善方案", "XX", "督促次数", "次", "number"),
    ],
)
def test_labels_name_the_counted_thing(
    text: str, placeholder: str, label: str, unit: str, kind: str
) -> None:
    found = find_placeholders(text)
    assert found[0].text == placeholder
    assert (found[0].label, found[0].unit, found[0].kind) == (label, unit, kind)
    assert text[found[0].start : found[0].end] == placeholder


def test_approximate_figures_are_marked() -> None:
    found = find_placeholders(
        "组织调动XX余人，接待来访群众近XX人次，新建道路XX余公里，发放XX万元。"
    )
    assert [(p.unit, p.approximate) for p in found] == [
        ("人", True),
        ("人次", True),
        ("公里", True),
        ("万元", False),
    ]


def test_the_area_after_a_count_is_of_the_same_thing() -> None:
    found = find_placeholders("拆除违章建筑XX处XX平方米，清理乱堆乱放XX处XX平方米")
    assert [p.label for p in found] == ["违章建筑数", "违章建筑面积", "乱堆乱放数", "乱堆乱放面积"]


def test_the_same_figure_repeated_shares_one_field() -> None:
    text = "拆除非交通标志XX块，清理占道经营XX处；拆除非交通标志XX块。其中发放抚恤金XX万元，另发放抚恤金XX万元。"
    fields = [p.field for p in find_placeholders(text)]
    assert fields[0] == fields[2] == "非交通标志数"  # the same words before: the same figure
    assert fields[3] != fields[4]  # one label, two figures: two fields


SEED_LABELS = Path(__file__).with_name("seed_placeholders.tsv")


def test_seed_placeholders_get_labels_a_writer_accepts(seed_text: str) -> None:
    """Against a judged table of all 400 placeholders of the six sample reports.

    The table (seed_placeholders.tsv) was judged in two passes: a judge who had not seen the
    labeller's output wrote 1–4 acceptable labels, a unit and a type for every placeholder; then
    a second judge, blind to the first table, accepted or rejected each label the labeller gave
    where it differed (column second_pass: the labels added that way). Issue 7 asks for 85%.
    The table was not changed to fit the labeller: rules were added for kinds of wording
    (names before a noun or in quotes, linking verbs, lists, measure words of the figure
    before), each also checked on the unit tests above.
    """
    with SEED_LABELS.open(encoding="utf-8") as table:
        gold = {(int(r["doc"]), int(r["start"])): r for r in csv.DictReader(table, delimiter="\t")}
    documents = parse_text(seed_text).documents
    judged = accepted = kinds = 0
    for n, doc in enumerate(documents):
        for p in doc.placeholders:
            row = gold[(n, p.start)]
            judged += 1
            accepted += p.label in row["labels"].split("|") and p.unit == row["unit"]
            kinds += p.kind == row["type"]
    assert judged == len(gold) == 400
    assert accepted / judged >= 0.85  # 0.865 measured (346 of 400)
    assert kinds / judged >= 0.90


def test_words_that_only_look_like_placeholders() -> None:
    assert find_placeholders("开展X射线检查，使用XML格式和Excel表格。") == []


def test_every_placeholder_in_a_sentence() -> None:
    found = find_placeholders("完成投资XX亿元，占年度计划的XX%，新开工项目X个。")
    assert [(p.text, p.unit) for p in found] == [("XX", "亿元"), ("XX%", "%"), ("X", "个")]
