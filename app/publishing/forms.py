"""Forms of the committee's steps."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.forms import options
from app.nominations.forms import VersionedForm
from core.text import bounded_int
from standards.grading_rules import FIELDS, PARTIAL_CREDIT
from standards.imprint import ImprintInput
from standards.models import ISSUER


class ReasonForm(VersionedForm):
    reason = TextAreaField("理由", render_kw={"rows": 3})


class PublishForm(VersionedForm):
    number = StringField("标准编号", description="如 DB37/T 4085—2026；连字符会自动改为一字线")
    ics = StringField("ICS 分类号", description="如 13.100")
    ccs = StringField("CCS 分类号", description="如 C 67")
    filing_number = StringField("备案号", description="可在备案后补录前留空")
    issued_on = DateField("发布日期", validators=[Optional()])
    effective_on = DateField("实施日期", validators=[Optional()], description="不填则为发布日期后 30 天")
    issuer = StringField("发布机构", default=ISSUER)
    replaces_id = SelectField("代替标准", choices=[], validate_choice=False)
    changes = TextAreaField("与被代替标准相比的主要技术变化", render_kw={"rows": 4}, description="每行一项，将写入前言")
    grade_first = StringField("一级线", default="90", description="得分不低于此为一级")
    grade_second = StringField("二级线", default="75")
    grade_third = StringField("三级线", default="60", description="低于三级线为不达标")
    benchmark_pass = StringField("标杆企业合格线", default="80")
    partial_credit = SelectField("部分符合的计分方式", choices=options(PARTIAL_CREDIT.items()),
                                 default="half")

    def to_input(self) -> ImprintInput:
        return ImprintInput(
            number=self.number.data or "", ics=self.ics.data or "", ccs=self.ccs.data or "",
            issued_on=self.issued_on.data, effective_on=self.effective_on.data,
            filing_number=self.filing_number.data or "", issuer=self.issuer.data or "",
            replaces_id=bounded_int(self.replaces_id.data), changes=self.changes.data or "",
            grading={name: getattr(self, name).data or "" for name in (*FIELDS, "partial_credit")})
