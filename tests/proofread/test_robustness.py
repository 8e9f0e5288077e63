"""Any text at all: the proofreader never fails, its spans lie inside the text, and applying
its fixes gives text back (odd input once gave 500s elsewhere)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongwen.proofread import apply_fixes, check

# Han characters, full-width and ASCII punctuation, digits, X, spaces and line breaks, and
# anything else Unicode has (lone surrogates, format characters, astral planes).
PIECES = st.one_of(
    st.text(
        alphabet="截止至布署的地得了和与及一二三四五是年月日XX××“”《》（）()【】，。、；：,.;: \n\u3000０１２3",
        max_size=40,
    ),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=40),
    st.text(max_size=20),
    # Lone surrogates: JSON's "\ud800" escape puts them in a Python string.
    st.text(alphabet="\ud800\udfff\U00020000\u200b\ufeff截止", max_size=10),
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(PIECES, max_size=8).map("".join))
def test_any_text_is_checked_without_failing(text: str) -> None:
    found = check(text)
    for d in found:
        assert 0 <= d.start <= d.end <= len(text)
        assert d.code.startswith("GW") and d.message
    fixed = apply_fixes(text, found, suggested=True)
    assert isinstance(fixed, str)
    check(fixed)  # and the fixed text is checkable too
