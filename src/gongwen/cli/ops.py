"""Running the platform: serve, backup, restore."""

from __future__ import annotations

from pathlib import Path

import click

from gongwen.cli.output import consoles, emit_json, library, state
from gongwen.cli.params import json_option


@click.command()
@click.option("--host", default="127.0.0.1", help="监听地址")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, help="端口")
@click.option("--workers", type=click.IntRange(min=1), default=1, help="进程数（每核一个）")
def serve(host: str, port: int, workers: int) -> None:
    """启动网站（FastAPI + uvicorn）。多进程时通过 Redis（GONGWEN_REDIS）或数据库轮询同步实时推送。"""
    import os

    import uvicorn

    os.environ["GONGWEN_DB"] = state.db_url()
    os.environ.setdefault("GONGWEN_BASE_URL", f"http://{host}:{port}")
    library()  # migrate once, before the workers start
    consoles.out.print(
        f"公文库网站：http://{host}:{port}/  （{workers} 个进程，数据库 {os.environ['GONGWEN_DB']}）"
    )
    uvicorn.run(
        "gongwen.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        # The app decides which forwarded addresses to believe (GONGWEN_TRUSTED_PROXIES).
        proxy_headers=False,
        timeout_graceful_shutdown=3,  # open live streams never end by themselves
    )


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@json_option
def backup(path: Path, as_json: bool) -> None:
    """在线备份数据库到 PATH（SQLite 为数据库副本；PostgreSQL 用 pg_dump 自定义格式），不停服务。"""
    from gongwen.store.backup import backup as run_backup

    done = run_backup(library().db, path)
    if as_json:
        emit_json(done.as_json())
    else:
        consoles.out.print(f"已备份到 {done.path}（{done.bytes:,} 字节，{done.seconds:.1f} 秒）")


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="目标数据库不为空时也覆盖")
@json_option
def restore(path: Path, force: bool, as_json: bool) -> None:
    """把 gongwen backup 生成的备份 PATH 恢复到 --db 指定的数据库（默认拒绝覆盖已有数据）。"""
    from gongwen.store.backup import restore as run_restore
    from gongwen.store.db import Database

    target = Database(state.db_url())
    try:
        done = run_restore(target, path, force=force)
    finally:
        target.close()
    if as_json:
        emit_json(done.as_json())
    else:
        consoles.out.print(f"已从 {done.path} 恢复（{done.seconds:.1f} 秒）")
