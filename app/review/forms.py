"""Forms of the review area. Their texts' rules are the services' (``standards.review``)."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectField, TextAreaField

from app.forms import Form, options
from app.nominations.forms import VersionedForm
from standards.models import CommentKind, Disposition, VoteChoice
from standards.review import CommentInput


class CommentForm(Form):
    clause = HiddenField()  # the clause's key; empty: the text as a whole
    kind = SelectField("意见类型", choices=options((k.value, k.label) for k in CommentKind))
    text = TextAreaField("意见内容", render_kw={"rows": 3, "maxlength": 2000})
    proposed_text = TextAreaField("建议修改为", render_kw={"rows": 2, "maxlength": 2000},
                                  description="可选：建议的条文表述")

    def to_input(self) -> CommentInput:
        return CommentInput(self.kind.data or "", self.text.data or "", self.proposed_text.data or "",
                            self.clause.data or None)


class DisposeForm(VersionedForm):
    disposition = SelectField("处理意见", choices=options([("", "请选择"), *((d.value, d.label) for d in Disposition)]))
    disposition_reason = TextAreaField("处理说明", render_kw={"rows": 2, "maxlength": 1000},
                           description="部分采纳或不采纳时须说明理由")


class CloseForm(VersionedForm):
    """结束征求意见: the round's version as the page showed it."""


class VoteForm(Form):
    choice = RadioField("表决意见", choices=options((c.value, c.label) for c in VoteChoice))
    opinion = TextAreaField("审查意见", render_kw={"rows": 4, "maxlength": 2000},
                            description="选择“修改后同意”或“不同意”时须填写")


class ConcludeForm(VersionedForm):
    conclusion = TextAreaField("审查结论", render_kw={"rows": 5, "maxlength": 2000},
                               description="写入会议纪要的审查结论（审查通过、退回修改或终止，由表决结果确定）")
