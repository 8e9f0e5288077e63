"""The `gongwen` command: parse arguments, make one service call, print (or --json).

Start-up is kept short (a search from the shell should take a fraction of a second): the
command line is plain click (typer 0.29 builds a pydantic TypeAdapter per parameter, 0.3 s of
CPU per start on this machine); a command's module is imported only when that command runs
(`COMMANDS`, with each one's line of help, so `gongwen --help` imports none of them); heavy
modules (rich, SQLAlchemy, Alembic, jieba, the web stack) are imported inside the commands that
need them; and the database is migrated only when its schema is not the newest. Commands that
change users, subscriptions or codes act as the operator (model.member.OPERATOR): whoever runs
`gongwen` on the server owns the database.

Every exception ends in `errors.report`: one line on stderr, exit status 2 for the user's
mistakes, 1 for a bug (docs/cli.md).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from gongwen.cli.lazy import LazyGroup
from gongwen.cli.output import CONTEXT, state

# name -> ("module:function", the first paragraph of its docstring, shown by `gongwen --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": (
        "gongwen.cli.library:ingest",
        "入库 .txt/.md/.docx/.pdf/.jsonl/.csv 文件；坏文件逐个报告，其余照常入库。",
    ),
    "list": ("gongwen.cli.library:list_cmd", "列出材料。"),
    "show": ("gongwen.cli.library:show", "显示一篇材料的全文。"),
    "outline": ("gongwen.cli.library:outline", "显示材料的标题层级（提纲）与占位符。"),
    "search": (
        "gongwen.cli.library:search",
        '全文检索 QUERY：精确短语，空格分隔的多个词须同时出现，"…" 表示含空格的短语。',
    ),
    "demo": (
        "gongwen.cli.library:demo",
        "打印库概况和一次示例检索（网站上线前 make run 的主任务）。",
    ),
    "reindex": (
        "gongwen.cli.library:reindex",
        "从数据库重建检索索引（索引目录损坏或被删除时；平时它自动跟上数据库）。",
    ),
    "user": ("gongwen.cli.accounts:user_app", "用户管理"),
    "subscription": ("gongwen.cli.accounts:subscription_app", "订阅管理"),
    "codes": ("gongwen.cli.accounts:codes_app", "卡密（兑换码）"),
    "bootstrap": (
        "gongwen.cli.accounts:bootstrap",
        "确保有一个管理员账号（首次运行时创建，并打印它的密码，同时写入 var/first-admin.txt）。",
    ),
    "template": (
        "gongwen.cli.writing:template",
        "列出材料作为模板的待填字段：名称、单位、类型，以及每处出现的上下文。",
    ),
    "fill": (
        "gongwen.cli.writing:fill",
        "用自己的数据填写材料中的字段，检查互相关联的数字，导出 GB/T 9704 排版的 .docx。",
    ),
    "redate": (
        "gongwen.cli.writing:redate",
        "把去年的材料改成今年的草稿：年份顺延，数字变成待填字段（提示原值），"
        "列出需要复核的时间性表述。",
    ),
    "compose": (
        "gongwen.cli.writing:compose",
        "组稿：不带 --plan 时给出这类报告常用的一级提纲；带 --plan 时按提纲和选定段落生成 .docx。",
    ),
    "export": (
        "gongwen.cli.writing:export_cmd",
        "导出材料（运营者的副本；--member 时为该会员的带标记副本）。",
    ),
    "trace": ("gongwen.cli.trace:trace", "查出泄露的文件或摘录（- 为标准输入）来自哪位会员。"),
    "prepare-marks": (
        "gongwen.cli.trace:prepare_marks",
        "为所有尚未准备的材料找出并固定副本标记位置"
        "（否则由每份材料的第一位读者承担，长报告约 0.1 秒）。",
    ),
    "check": (
        "gongwen.cli.proofread:check",
        "审校一篇文稿：错别字、序号、残留 XX、规范表述、标点和数字用法。",
    ),
    "serve": (
        "gongwen.cli.ops:serve",
        "启动网站（FastAPI + uvicorn）。多进程时通过 Redis（GONGWEN_REDIS）或数据库轮询同步实时推送。",
    ),
    "backup": (
        "gongwen.cli.ops:backup",
        "在线备份数据库到 PATH（SQLite 为数据库副本；PostgreSQL 用 pg_dump 自定义格式），不停服务。",
    ),
    "restore": (
        "gongwen.cli.ops:restore",
        "把 gongwen backup 生成的备份 PATH 恢复到 --db 指定的数据库（默认拒绝覆盖已有数据）。",
    ),
}


class Gongwen(LazyGroup):
    """The root command: every exception below it ends here, in `errors.report`."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        """Always ends the process (or CliRunner's invocation) with the command's status."""
        try:
            status = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except SystemExit:
            raise  # a command's own exit status (1: ingest or check found something)
        except (Exception, KeyboardInterrupt) as err:
            from gongwen.cli.errors import report

            sys.exit(report(err))
        sys.exit(status if isinstance(status, int) else 0)


@click.group(cls=Gongwen, lazy=COMMANDS, context_settings=CONTEXT)
@click.option("--db", help="数据库地址；默认 $GONGWEN_DB 或 sqlite:///var/gongwen.sqlite3")
@click.pass_context
def app(ctx: click.Context, db: str | None) -> None:
    """公文库 gongwen: 公文范文库的入库、结构解析与检索，以及会员平台。"""
    state.db = db
    ctx.call_on_close(state.close)  # in-process runs (tests) start each command afresh


def main() -> NoReturn:
    app.main(prog_name="gongwen")
