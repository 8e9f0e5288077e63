"""Plans and calendar arithmetic: a month plan ends on the same day next month."""

from __future__ import annotations

import calendar
from datetime import datetime

from gongwen.errors import InvalidInput

PLAN_MONTHS = {"month": 1, "quarter": 3, "year": 12}
PLAN_NAMES = {"month": "月度会员", "quarter": "季度会员", "year": "年度会员"}
BACK_CATALOGUE_MONTHS = 36  # 订阅立享前3年的所有权益和资料


def plan_months(plan: str) -> int:
    try:
        return PLAN_MONTHS[plan]
    except KeyError:
        raise InvalidInput("plan", f"未知套餐 {plan!r}，可选 {', '.join(PLAN_MONTHS)}") from None


def add_months(moment: datetime, months: int) -> datetime:
    """Same day-of-month `months` later (or earlier), clamped to the month's last day."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def back_catalogue_start(subscription_start: datetime) -> datetime:
    return add_months(subscription_start, -BACK_CATALOGUE_MONTHS)
