"""The proofreader (审校): rules with stable codes over a text, and a statistical character check.

`check(text)` returns diagnostics; `selected_rules()` lists the rules (docs/rules.md).
"""

from gongwen.proofread.catalogue import check, lines_check, selected_rules
from gongwen.proofread.diagnostic import Category, Diagnostic, Fix, apply_fixes

__all__ = ["Category", "Diagnostic", "Fix", "apply_fixes", "check", "lines_check", "selected_rules"]
