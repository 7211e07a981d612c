"""Forms of the nomination area."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.forms import Form, MultiCheckboxField
from benchmarks.campaigns import CampaignInput
from benchmarks.services import Reasons
from core.text import bounded_int


class VersionedForm(Form):
    """A form about a record that may change under it: it carries the version it showed."""

    lock_version = HiddenField()

    def expected_version(self) -> int:
        return bounded_int(self.lock_version.data, lo=0) or 0


class CampaignForm(VersionedForm):
    title = StringField("批次名称", validators=[DataRequired("请填写批次名称"), Length(max=200)])
    # InputRequired (not DataRequired) keeps WTForms' own "不是有效的整数/日期" message.
    year = IntegerField("年度", validators=[InputRequired("请填写年度"),
                                          NumberRange(2016, 2100, "年度应在 2016 至 2100 之间")])
    county_deadline = DateField("县级上报截止日期", validators=[InputRequired("请填写县级上报截止日期")])
    city_deadline = DateField("市级推荐截止日期", validators=[InputRequired("请填写市级推荐截止日期")])
    province_deadline = DateField("省级遴选截止日期", validators=[InputRequired("请填写省级遴选截止日期")])
    industry_codes = MultiCheckboxField("遴选行业", validators=[DataRequired("请至少选择一个遴选行业")])
    description = TextAreaField("遴选要求", render_kw={"rows": 4})

    def to_input(self) -> CampaignInput:
        return CampaignInput(
            title=self.title.data or "", year=self.year.data or 0,
            county_deadline=self.county_deadline.data, city_deadline=self.city_deadline.data,
            province_deadline=self.province_deadline.data,
            industry_codes=list(self.industry_codes.data or []),
            description=self.description.data or "",
        )


class ReasonsForm(VersionedForm):
    risk_control = TextAreaField("风险管控方面", render_kw={"rows": 5},
                                 description="风险点排查、风险分级、管控措施、公告警示等做法与成效")
    hidden_danger = TextAreaField("隐患排查治理方面", render_kw={"rows": 5},
                                  description="隐患排查制度、清单、闭环治理、自查自改自报等做法与成效")
    informatisation = TextAreaField("信息化管理方面", render_kw={"rows": 5},
                                    description="风险点在线监测、视频监控、隐患信息化管理等做法与成效")

    def to_reasons(self) -> Reasons:
        return Reasons(self.risk_control.data or "", self.hidden_danger.data or "",
                       self.informatisation.data or "")


class NominationForm(ReasonsForm):
    # Filled by the type-ahead (or the ?enterprise= link from an enterprise's page).
    enterprise_id = HiddenField("推荐企业", validators=[DataRequired("请选择推荐企业")])


class TransitionForm(VersionedForm):
    """One workflow step: the version the page showed and, where the table asks, a reason."""

    reason = TextAreaField("理由", render_kw={"rows": 3})


class AttachmentForm(Form):
    file = FileField("证明材料")
    description = StringField("说明")  # its rule (200 characters) is the service's: refused with a message
