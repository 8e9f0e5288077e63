from __future__ import annotations

from gongwen.proofread.rules.formulations import formulations

from .conftest import fixed, flagged


def test_list_is_versioned_and_every_entry_has_a_source() -> None:
    version, entries = formulations()
    assert version and len(entries) >= 15
    assert all(e.source and e.canonical for e in entries)
    # A misquotation never equals a canonical wording.
    canon = {e.canonical for e in entries}
    assert not any(w in canon for e in entries for w in e.wrong)


def test_gw501_misquoted_formulations() -> None:
    bad = "深化“街乡吹哨，部门报到”改革，严格落实中央八条规定精神"
    assert flagged("GW501", bad) == ["街乡吹哨，部门报到", "中央八条规定精神"]
    assert (
        fixed("GW501", bad, suggested=False)
        == "深化“街乡吹哨、部门报到”改革，严格落实中央八项规定精神"
    )
    good = "以习近平新时代中国特色社会主义思想为指导，践行绿水青山就是金山银山理念"
    assert flagged("GW501", good) == []


def test_gw502_fixed_lists_in_order_and_complete() -> None:
    bad = "增强政治意识、大局意识、看齐意识、核心意识"
    assert flagged("GW502", bad) == ["政治意识、大局意识、看齐意识、核心意识"]
    assert fixed("GW502", bad) == "增强政治意识、大局意识、核心意识、看齐意识"
    short = "牢固树立“四个意识”：政治意识、大局意识、核心意识"
    assert flagged("GW502", short) == ["政治意识、大局意识、核心意识"]
    # Two of them mentioned together is not the list.
    assert flagged("GW502", "增强大局意识、政治意识") == []
    assert flagged("GW502", "坚定道路自信、理论自信、制度自信、文化自信") == []
