"""``flask --app wsgi search rebuild``: the whole index from the database, with a progress bar."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.database import short_transaction
from app.search.indexing import index_store
from search import indexer, sources


@click.group("search", cls=AppGroup)
def search_group() -> None:
    """全文检索索引。"""


@search_group.command("rebuild", help="从数据库重建全文检索索引（等待正在写入的任务完成后开始）。")
def rebuild_command() -> None:
    store = index_store()
    with short_transaction() as session:
        total = sources.count_all(session)
        with click.progressbar(length=total, label="重建检索索引", show_pos=True) as bar:
            written = indexer.rebuild(session, store, progress=bar.update)
    click.echo(f"检索索引已重建：{written} 条文档，位于 {store.path}")
