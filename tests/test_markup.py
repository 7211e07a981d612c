"""User-written Markdown is rendered, and whatever could run in a browser is removed."""

from __future__ import annotations

from core.markup import render_markdown


def test_lists_and_emphasis_survive() -> None:
    html = render_markdown("遴选要求：\n\n- **风险管控**到位\n- 隐患闭环")
    assert "<li><strong>风险管控</strong>到位</li>" in html


def test_scripts_handlers_and_javascript_links_are_removed() -> None:
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(2)">'
                           '[点我](javascript:alert(3)) <a href="https://example.org" onclick="x()">链接</a>')
    assert "<script" not in html and "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html
