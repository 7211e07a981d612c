"""A first draft from the benchmark enterprises' practices, in the DB37/T 2882 outline.

One editor action fills an empty working draft with the chapters an industry 细则 or
实施指南 has (cn-standards.md §1.2–1.3): 1 范围, 2 规范性引用文件, 3 术语和定义, 4 基本要求,
5 工作程序和内容 (风险点确定, 危险源辨识, 风险评价, 风险控制措施, 风险分级管控), 6 文件管理,
7 分级管控的效果, 8 持续改进 — with assessable requirements worth 100 points in all — and
informative annexes built from the source enterprises' data: 附录A 风险分级管控清单 and
附录B 隐患排查清单 as tables (one per enterprise, each row recorded in ``clause_sources``
so it traces back to its risk point or check item) and 附录C 风险评价方法 with the scales
and bands of the methods they use. The 前言 is not a clause: it is written from the
project's facts when the text is published.

Editors then rewrite freely; the draft is a start, not a rule. Definitions quoted in the
reference (风险, 危险源) are used as quoted; the others are drafted in the same style for
the editors to check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from benchmarks.bands import bands_in_force
from benchmarks.grading import FACTORS, Band, ControlLevel, Method, RiskLevel
from benchmarks.models import CheckItem, RiskPoint
from core import audit
from core.enterprises import Enterprise
from core.errors import Conflict
from core.people import User
from standards.drafting import BODY_MAX, check_editable
from standards.models import AnnexType, Clause, ClauseKind, ClauseSource, StandardProject, StandardVersion

K = ClauseKind
ROWS_PER_TABLE = 100
NOT_EMPTY = "工作稿中已有条文，不能再由做法生成初稿。如需重新生成，请先删除全部条文。"


@dataclass
class Node:
    """A clause to be: its content, its children, and the practices it traces to."""

    kind: ClauseKind
    title: str = ""
    body: str = ""
    children: list[Node] = field(default_factory=list)
    points: Decimal | None = None
    veto: bool = False
    check_method: str = ""
    evidence: str = ""
    annex_type: AnnexType | None = None
    rows: list[RiskPoint | CheckItem] = field(default_factory=list)  # table row n (from 1) → practice


def req(kind: ClauseKind, title: str, body: str, points: int, check: str, evidence: str, *children: Node,
        veto: bool = False) -> Node:
    """An assessable requirement."""
    return Node(kind, title, body, list(children), Decimal(points), veto, check, evidence)


def node(kind: ClauseKind, title: str = "", body: str = "", *children: Node) -> Node:
    return Node(kind, title, body, list(children))


def items(*texts: str) -> list[Node]:
    return [node(K.LIST_ITEM, body=t) for t in texts]


@dataclass(frozen=True)
class Generated:
    clauses: int
    requirements: int
    points: Decimal
    risk_rows: int
    check_rows: int


# --- the data ---------------------------------------------------------------------------------


@dataclass
class Practices:
    """What the source enterprises recorded, grouped by enterprise in the projects' order."""

    enterprises: list[Enterprise]
    risk_points: dict[int, list[RiskPoint]]
    check_items: dict[int, list[CheckItem]]

    @property
    def methods(self) -> list[Method]:
        """The evaluation methods in use, the most used first."""
        counted = Counter(p.method for points in self.risk_points.values() for p in points)
        return [Method(m) for m, _ in counted.most_common()]


def load_practices(session: Session, project: StandardProject) -> Practices:
    enterprises = list(dict.fromkeys(n.enterprise for n in project.sources))
    ids = [e.id for e in enterprises]
    points = session.scalars(select(RiskPoint).where(RiskPoint.enterprise_id.in_(ids))
                             .order_by(RiskPoint.level, RiskPoint.location, RiskPoint.id)).all()
    checks = session.scalars(select(CheckItem).where(CheckItem.enterprise_id.in_(ids))
                             .order_by(CheckItem.category, CheckItem.id)).all()
    return Practices(enterprises,
                     {e.id: [p for p in points if p.enterprise_id == e.id] for e in enterprises},
                     {e.id: [c for c in checks if c.enterprise_id == e.id] for e in enterprises})


def bands_for(session: Session, industry_code: str, method: Method) -> list[Band]:
    """The bands in force for an industry (the one rule, in ``benchmarks.bands``)."""
    return list(bands_in_force(session, industry_code, method))


# --- Markdown tables ----------------------------------------------------------------------------


def cell(value: object) -> str:
    """One table cell: pipes escaped, lines joined, an empty cell shown as "—" (GB/T 1.1 §10.4)."""
    text = "；".join(line.strip() for line in str(value or "").splitlines() if line.strip())
    return text.replace("\\", "\\\\").replace("|", "\\|") or "—"


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


RISK_HEADER = ("序号", "风险点", "类型", "区域/位置", "危险源或潜在事件", "可能导致的事故类型", "评价方法",
               "评价结果", "风险等级", "管控层级", "管控措施", "责任单位", "责任人")
CHECK_HEADER = ("序号", "排查内容", "排查依据", "排查频次", "类别", "排查层级", "关联风险点")


def _risk_row(n: int, p: RiskPoint) -> list[object]:
    letter = p.method.formula.split(" = ")[0]
    inputs = "，".join(f"{k}={v}" for k, v in p.inputs.items())
    level = RiskLevel(p.level)
    return [n, p.name, p.kind.label, p.location, p.hazards, "、".join(p.accident_types), p.method.label,
            f"{inputs}，{letter}={_plain(p.result)}" if inputs else _plain(p.result),
            f"{level.label}（{level.colour}）", "、".join(ControlLevel(c).label for c in p.control_levels),
            "；".join(f"{m.kind.label}：{m.content}" for m in p.measures), p.responsible_unit, p.responsible_person]


def _check_row(n: int, c: CheckItem, names: dict[int, str]) -> list[object]:
    return [n, c.content, c.basis, c.frequency.label, c.category.label, c.check_level.label,
            names.get(c.risk_point_id or 0, "")]


def _chunks(practices: Sequence[RiskPoint | CheckItem], render: object) -> list[list[RiskPoint | CheckItem]]:
    """Rows cut into tables of at most ``ROWS_PER_TABLE`` rows that fit a clause body."""
    chunks: list[list[RiskPoint | CheckItem]] = [[]]
    size = 0
    for practice in practices:
        width = len(render(practice))  # type: ignore[operator]
        if chunks[-1] and (len(chunks[-1]) >= ROWS_PER_TABLE or size + width > BODY_MAX - 2_000):
            chunks.append([])
            size = 0
        chunks[-1].append(practice)
        size += width
    return [c for c in chunks if c]


def _tables(name: str, practices: Sequence[RiskPoint | CheckItem], header: Sequence[str],
            row: object) -> list[Node]:
    """One table per enterprise (split when long), each row traced to its practice."""
    chunks = _chunks(practices, lambda p: table(header, [row(1, p)]))  # type: ignore[operator]
    nodes = []
    for i, chunk in enumerate(chunks, start=1):
        title = name if len(chunks) == 1 else f"{name}（{i}/{len(chunks)}）"
        body = table(header, [row(n, p) for n, p in enumerate(chunk, start=1)])  # type: ignore[operator]
        nodes.append(Node(K.TABLE, title, body, rows=list(chunk)))
    return nodes


# --- the outline -----------------------------------------------------------------------------


def _names(practices: Practices) -> str:
    return "、".join(e.name for e in practices.enterprises)


def _method_note(practices: Practices) -> str:
    methods = practices.methods
    if not methods:
        return "本文件的标杆企业尚未录入风险评价记录，附录C列出了常用的评价方法。"
    counted = Counter(p.method for points in practices.risk_points.values() for p in points)
    used = "；".join(f"{m.label} {counted[m]} 个风险点" for m in methods)
    return f"本文件的标杆企业（{_names(practices)}）采用的评价方法为：{used}（见附录A、附录C）。"


def outline(project: StandardProject, practices: Practices, bands: dict[Method, list[Band]]) -> list[Node]:
    industry = project.industry.name
    return [
        node(K.CHAPTER, "范围", f"本文件规定了{industry}企业安全生产风险分级管控体系建设的基本要求、工作程序和内容、"
             "文件管理、分级管控的效果和持续改进等内容。\n\n"
             f"本文件适用于山东省{industry}企业安全生产风险分级管控体系的建设、实施与评估。"),
        node(K.CHAPTER, "规范性引用文件",
             "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，"
             "仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。",
             node(K.PARAGRAPH, body="GB 6441—1986　企业职工伤亡事故分类"),
             node(K.PARAGRAPH, body="GB/T 23694—2013　风险管理　术语"),
             node(K.PARAGRAPH, body="DB37/T 2882—2016　安全生产风险分级管控体系通则"),
             node(K.PARAGRAPH, body="DB37/T 2883—2016　生产安全事故隐患排查治理体系通则")),
        node(K.CHAPTER, "术语和定义", "GB/T 23694—2013、DB37/T 2882—2016 界定的以及下列术语和定义适用于本文件。",
             node(K.TERM, "风险", "生产安全事故或健康损害事件发生的可能性和严重性的组合。",
                  node(K.NOTE, body="风险＝可能性×严重性。")),
             node(K.TERM, "危险源",
                  "可能导致人身伤害和（或）健康损害和（或）财产损失的根源、状态或行为，或它们的组合。",
                  node(K.NOTE, body="危险源也称危险有害因素，分为人的因素、物的因素、环境因素和管理因素。")),
             node(K.TERM, "风险点", "风险伴随的设施、部位、场所和区域，以及在设施、部位、场所和区域实施的伴随风险的"
                  "作业活动，或以上两者的组合。"),
             node(K.TERM, "风险评价", "对危险源导致的风险进行分析、评估、分级，对现有控制措施的充分性加以考虑，"
                  "以及对风险是否可接受予以确定的过程。"),
             node(K.TERM, "风险分级管控", "按照风险不同级别、所需管控资源、管控能力、管控措施复杂及难易程度等因素"
                  "而确定不同管控层级的风险管控方式。")),
        node(K.CHAPTER, "基本要求", "",
             req(K.CLAUSE, "成立组织机构", "企业应成立由主要负责人牵头、分管负责人和各部门负责人参加的风险分级管控"
                 "工作机构，明确各部门、各岗位在风险分级管控工作中的职责。", 8,
                 "查阅机构成立文件和职责文件，询问主要负责人和部门负责人。", "机构成立文件；部门、岗位职责清单。"),
             req(K.CLAUSE, "实施全员培训", "企业应制定风险分级管控培训计划，分层次、分阶段对全体从业人员进行风险"
                 "分级管控知识和技能培训，并保存培训记录。", 8,
                 "查阅培训计划和记录，抽问一线岗位人员。", "培训计划、签到表、考核记录。"),
             req(K.CLAUSE, "编写体系文件", "企业应编写风险分级管控体系文件，内容包括风险分级管控制度、风险点排查、"
                 "危险源辨识、风险评价、管控措施确定和风险分级管控清单等。", 6,
                 "查阅体系文件目录及正文。", "风险分级管控制度及体系文件。")),
        node(K.CHAPTER, "工作程序和内容", "",
             node(K.CLAUSE, "风险点确定", "",
                  req(K.CLAUSE, "风险点划分原则", "企业应按设施、部位、场所、区域划分风险点，对操作及作业活动应按"
                      "作业过程划分风险点，做到大小适中、便于分类、功能独立、易于管理、范围清晰。", 6,
                      "查阅风险点划分结果，现场核对。", "风险点划分记录。"),
                  req(K.CLAUSE, "风险点排查", "企业应组织对生产经营全过程进行风险点排查，形成包括风险点名称、"
                      "区域位置、可能导致的事故类型等内容的风险点登记台账。", 8,
                      "查阅风险点登记台账，抽查现场风险点是否遗漏。", "风险点登记台账。",
                      node(K.NOTE, body="风险点排查结果示例见附录A。"))),
             req(K.CLAUSE, "危险源辨识", "企业应对每个风险点内的危险源进行辨识，辨识应覆盖人的因素、物的因素、"
                 "环境因素和管理因素，并考虑正常、异常和紧急三种状态。", 10,
                 "查阅危险源辨识记录，抽查辨识的完整性。", "工作危害分析（JHA）记录、安全检查表分析（SCL）记录。",
                 *items("作业活动宜采用工作危害分析法（JHA）进行辨识；",
                        "设备设施宜采用安全检查表分析法（SCL）进行辨识。")),
             node(K.CLAUSE, "风险评价", "",
                  req(K.CLAUSE, "评价方法", "企业应选择风险矩阵分析法（LS）、作业条件危险性分析法（LEC）等适用的"
                      "方法对辨识出的危险源进行风险评价，评价方法及判定准则见附录C。", 8,
                      "查阅风险评价记录，核对评价取值及结果。", "风险评价记录。",
                      node(K.NOTE, body=_method_note(practices))),
                  node(K.CLAUSE, "风险等级", "风险等级从高到低划分为重大风险、较大风险、一般风险和低风险，"
                       "分别用红、橙、黄、蓝四种颜色标示。"),
                  req(K.CLAUSE, "重大风险的直接判定", "有下列情形之一的，应直接判定为重大风险：", 6,
                      "查阅重大风险清单，对照判定情形逐项核对。", "重大风险清单及判定依据。",
                      *items("违反法律、法规及国家标准中强制性条款的；",
                             "发生过死亡、重伤、职业病、重大财产损失事故，且现在发生事故的条件依然存在的；",
                             "涉及重大危险源的；",
                             "具有中毒、爆炸、火灾等危险的场所，作业人员在 10 人及以上的；",
                             "经风险评价确定为最高级别风险的。"), veto=True)),
             node(K.CLAUSE, "风险控制措施", "",
                  req(K.CLAUSE, "措施类别", "企业应根据风险评价结果，从工程技术措施、管理措施、培训教育措施、"
                      "个体防护措施和应急处置措施等方面制定风险控制措施。", 8,
                      "查阅风险分级管控清单中的管控措施，现场核对措施落实情况。", "风险分级管控清单；措施落实记录。"),
                  req(K.CLAUSE, "重大风险控制措施", "对重大风险，企业应制定专项管控方案，明确管控责任人、"
                      "管控措施和应急措施，并落实到位。", 6,
                      "查阅重大风险专项管控方案，现场核查措施落实情况。", "重大风险专项管控方案及落实记录。",
                      veto=True)),
             node(K.CLAUSE, "风险分级管控", "",
                  req(K.CLAUSE, "分级管控的要求", "企业应遵循风险越高、管控层级越高的原则，上级负责管控的风险，"
                      "下级应同时负责管控，并逐级落实具体措施：", 8,
                      "查阅风险分级管控清单中的管控层级，抽查各层级管控记录。", "各层级管控责任清单及记录。",
                      *items("重大风险和较大风险应由公司（厂）级、车间（部室）级、班组、岗位逐级管控；",
                             "一般风险应由车间（部室）级、班组、岗位管控；",
                             "低风险应由班组、岗位管控。")),
                  req(K.CLAUSE, "编制风险分级管控清单", "企业应在风险评价后编制风险分级管控清单，并按规定及时更新。", 6,
                      "查阅风险分级管控清单及其更新记录。", "风险分级管控清单。",
                      node(K.NOTE, body="风险分级管控清单的格式和示例见附录A。")))),
        req(K.CHAPTER, "文件管理", "企业应完整保存体现风险分级管控过程的记录资料，并分类建档管理，至少包括风险分级管控"
                 "制度、风险点登记台账、危险源辨识与风险评价记录、风险分级管控清单以及隐患排查清单（示例见附录B）。", 4,
            "查阅档案目录，抽查记录。", "分类建档的记录资料。"),
        node(K.CHAPTER, "分级管控的效果", "通过风险分级管控体系建设，企业应在以下方面有所改进：",
             *items("每一轮风险辨识和评价后，原有管控措施得到改进，或者通过增加新的管控措施提高安全可靠性；",
                    "重大风险场所、部位的警示标识得到保持和完善；",
                    "涉及重大风险设施、部位的现场操作人员清楚本岗位的风险及其管控措施；",
                    "员工对风险的认识和风险管控能力得到提高。")),
        node(K.CHAPTER, "持续改进", "",
             req(K.CLAUSE, "评审", "企业每年应至少对风险分级管控体系进行一次系统性评审，并根据评审结果及时修订"
                 "体系文件。", 4, "查阅年度评审记录及修订记录。", "体系评审报告。"),
             req(K.CLAUSE, "更新", "出现下列情形时，企业应及时开展危险源辨识和风险评价，更新风险信息：", 2,
                 "查阅变更记录和相应的辨识评价记录。", "更新后的风险分级管控清单。",
                 *items("法规、标准等增减、修订变化的；", "组织机构发生重大调整的；",
                        "工艺、设备设施、作业活动等发生变更的；", "发生生产安全事故的。")),
             req(K.CLAUSE, "沟通", "企业应建立不同职能和层级间的内部沟通和与相关方的外部沟通机制，及时有效传递"
                 "风险信息。", 2, "查阅沟通记录，询问相关人员。", "风险信息沟通记录。")),
        _annex_a(practices), _annex_b(practices), _annex_c(practices, bands),
    ]


def _annex_a(practices: Practices) -> Node:
    annex = Node(K.ANNEX, "风险分级管控清单", annex_type=AnnexType.INFORMATIVE)
    for enterprise in practices.enterprises:
        points = practices.risk_points[enterprise.id]
        if points:
            annex.children.append(node(K.PARAGRAPH, body=f"{enterprise.name}的风险分级管控清单见下表。"))
            annex.children += _tables(f"{enterprise.name}风险分级管控清单", points, RISK_HEADER, _risk_row)
    if not annex.children:
        annex.children.append(node(K.PARAGRAPH, body="标杆企业尚未录入风险点，生成初稿后可补充。"))
    return annex


def _annex_b(practices: Practices) -> Node:
    annex = Node(K.ANNEX, "隐患排查清单", annex_type=AnnexType.INFORMATIVE)
    names = {p.id: p.name for points in practices.risk_points.values() for p in points}
    for enterprise in practices.enterprises:
        checks = practices.check_items[enterprise.id]
        if checks:
            annex.children.append(node(K.PARAGRAPH, body=f"{enterprise.name}的隐患排查清单见下表。"))
            annex.children += _tables(f"{enterprise.name}隐患排查清单", checks, CHECK_HEADER,
                                      lambda n, c: _check_row(n, c, names))
    if not annex.children:
        annex.children.append(node(K.PARAGRAPH, body="标杆企业尚未录入隐患排查项，生成初稿后可补充。"))
    return annex


def _band_rows(method: Method, bands: list[Band]) -> list[list[object]]:
    letter = method.formula.split(" = ")[0]
    ordered = sorted(bands, key=lambda b: b.level)
    rows = []
    for i, band in enumerate(ordered):
        low = f"{letter} {'≥' if band.inclusive else '>'} {_plain(band.lower)}"
        if i:
            upper = ordered[i - 1]
            low += f" 且 {letter} {'<' if upper.inclusive else '≤'} {_plain(upper.lower)}"
        rows.append([low, band.level.label, band.level.colour])
    return rows


def _annex_c(practices: Practices, bands: dict[Method, list[Band]]) -> Node:
    annex = Node(K.ANNEX, "风险评价方法", annex_type=AnnexType.INFORMATIVE)
    for method in practices.methods or [Method.LS, Method.LEC]:
        part = node(K.CLAUSE, method.label, f"风险值按 {method.formula} 计算，各因素的取值见下表。")
        for factor in FACTORS[method]:
            part.children.append(Node(K.TABLE, f"{factor.label}（{factor.key}）取值",
                                      table(("分值", "判定准则"), [(_plain(v), m) for v, m in factor.scale.items()])))
        part.children.append(Node(K.TABLE, f"{method.label}风险分级",
                                  table(("风险值", "风险等级", "颜色"), _band_rows(method, bands[method]))))
        annex.children.append(part)
    return annex


# --- writing it ---------------------------------------------------------------------------------


def generate_draft(session: Session, actor: User, project: StandardProject, version: StandardVersion) -> Generated:
    """Fill the empty working draft from the source enterprises' practices."""
    check_editable(actor, version)
    if session.scalar(select(Clause.id).where(Clause.version_id == version.id).limit(1)) is not None:
        raise Conflict(NOT_EMPTY)
    practices = load_practices(session, project)
    bands = {m: bands_for(session, project.industry_code, m) for m in Method}
    roots = outline(project, practices, bands)
    traced: list[dict[str, object]] = []
    made = 0
    level: list[tuple[Node, int | None]] = [(n, None) for n in roots]
    while level:
        clauses = []
        positions: Counter[int | None] = Counter()
        for item, parent_id in level:
            position = positions[parent_id]
            positions[parent_id] += 1
            clauses.append(Clause(version_id=version.id, parent_id=parent_id, position=position, kind=item.kind,
                                  title=item.title, body=item.body, annex_type=item.annex_type,
                                  is_requirement=item.points is not None, points=item.points, veto=item.veto,
                                  check_method=item.check_method, evidence=item.evidence))
        session.add_all(clauses)
        session.flush()
        made += len(clauses)
        following: list[tuple[Node, int | None]] = []
        for (item, _parent), clause in zip(level, clauses, strict=True):
            for n, practice in enumerate(item.rows, start=1):
                traced.append({"project_id": project.id, "clause_key": clause.key, "row": n,
                               "risk_point_id": practice.id if isinstance(practice, RiskPoint) else None,
                               "check_item_id": practice.id if isinstance(practice, CheckItem) else None})
            following += [(child, clause.id) for child in item.children]
        level = following
    if traced:
        session.execute(insert(ClauseSource), traced)
    session.expire(version, ["clauses"])
    requirements = [n for n in _walk(roots) if n.points is not None]
    result = Generated(made, len(requirements), sum((n.points or Decimal(0) for n in requirements), Decimal(0)),
                       sum(1 for t in traced if t["risk_point_id"]), sum(1 for t in traced if t["check_item_id"]))
    audit.record(session, actor, "standard.generate", version,
                 f"《{project.title}》由标杆企业（{_names(practices)}）的做法生成初稿：{result.clauses} 个条款，"
                 f"{result.requirements} 项评估要求共 {_plain(result.points)} 分，"
                 f"附录表格收录风险点 {result.risk_rows} 个、隐患排查项 {result.check_rows} 项",
                 data={"clauses": result.clauses, "requirements": result.requirements, "points": str(result.points),
                       "risk_rows": result.risk_rows, "check_rows": result.check_rows,
                       "sources": [e.id for e in practices.enterprises]})
    return result


def _walk(nodes: Iterable[Node]) -> Iterable[Node]:
    for n in nodes:
        yield n
        yield from _walk(n.children)


audit.name_things(actions={"standard.generate": "由做法生成初稿"})
