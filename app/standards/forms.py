"""Forms of the standards area: raising and editing a project, its stage steps, and clauses."""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.forms import Form, MultiCheckboxField, options
from app.nominations.forms import VersionedForm
from core.text import bounded_int
from standards.drafting import ClauseInput
from standards.models import AnnexType
from standards.projects import DEFAULT_PROPOSER, DEFAULT_RESPONSIBLE_BODY, ProjectInput


def ids(values: list[str] | None) -> list[int]:
    """Chosen ids, with anything that is not one left out (the service checks the rest)."""
    return [i for i in (bounded_int(v) for v in values or []) if i is not None]


class ProjectForm(VersionedForm):
    title = StringField("标准名称")
    english_title = StringField("英文名称")
    proposer = StringField("提出单位", default=DEFAULT_PROPOSER)
    responsible_body = StringField("归口单位", default=DEFAULT_RESPONSIBLE_BODY)
    drafting_units = TextAreaField("起草单位", render_kw={"rows": 3}, description="每行一个单位；不填则为所选标杆企业")
    drafters = StringField("主要起草人", description="以“、”分隔")
    editor_ids = MultiCheckboxField("编写人员", description="监管部门人员，或所选标杆企业的安全管理人员")
    expert_ids = MultiCheckboxField("评审专家组")

    def to_input(self, industry_code: str = "", source_ids: list[int] | None = None) -> ProjectInput:
        return ProjectInput(
            title=self.title.data or "", industry_code=industry_code, source_ids=source_ids or [],
            english_title=self.english_title.data or "", proposer=self.proposer.data or "",
            responsible_body=self.responsible_body.data or "", drafting_units=self.drafting_units.data or "",
            drafters=self.drafters.data or "", editor_ids=ids(self.editor_ids.data),
            expert_ids=ids(self.expert_ids.data),
        )


class NewProjectForm(ProjectForm):
    industry_code = SelectField("行业")
    source_ids = MultiCheckboxField("标杆企业（来源）",
                                    description="已确定为省级标杆的企业，可选多家；须与所选行业一致")

    def to_project(self) -> ProjectInput:
        return self.to_input(self.industry_code.data or "", ids(self.source_ids.data))


class ConsultationForm(VersionedForm):
    """发布征求意见稿: the deadline (default 30 days) and who else is asked."""

    deadline = DateField("征求意见截止日期", validators=[Optional()])
    commenter_ids = MultiCheckboxField("特邀意见人（可选）")


class ReviewForm(VersionedForm):
    """提交送审稿: where the review meeting is held."""

    meeting_place = StringField("审查会地点")


class ClauseForm(VersionedForm):
    title = StringField("标题")
    body = TextAreaField("条文（Markdown）", render_kw={"rows": 6})
    is_requirement = BooleanField("评估要求（自评时逐条计分）")
    points = StringField("分值", description="不小于 0，最多一位小数")
    veto = BooleanField("否决项（不符合即判定不达标）")
    waivable = BooleanField("可作缺项（企业可答“不适用”；否决项不可）", default=True)
    check_method = TextAreaField("评估方法", render_kw={"rows": 2})
    evidence = TextAreaField("证据要求", render_kw={"rows": 2})
    annex_type = SelectField("附录性质", choices=options((t.value, t.label) for t in AnnexType),
                             default=AnnexType.INFORMATIVE.value)

    def to_clause(self) -> ClauseInput:
        annex = self._fields.get("annex_type")
        return ClauseInput(
            title=self.title.data or "", body=self.body.data or "", is_requirement=bool(self.is_requirement.data),
            points=self.points.data or "", veto=bool(self.veto.data),
            waivable=bool(self.waivable.data), check_method=self.check_method.data or "",
            evidence=self.evidence.data or "", annex_type=annex.data if annex is not None else None,
        )


class NewClauseForm(ClauseForm):
    kind = SelectField("类型")


class LinkForm(Form):
    practice = SelectField("关联做法", description="本项目标杆企业的风险点或隐患排查项")

    def chosen(self) -> tuple[int | None, int | None]:
        """(risk point id, check item id) from "rp:12" / "ci:5"."""
        prefix, _, number = (self.practice.data or "").partition(":")
        value = bounded_int(number)
        return (value, None) if prefix == "rp" else ((None, value) if prefix == "ci" else (None, None))
