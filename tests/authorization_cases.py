"""Who is who in the authorisation table, and how one case is written.

Persona names and the sets of them the table uses (who may see a record in 张店区 and who is
outside it, and so on), with :class:`Case` and the two helpers that write cases."""

from __future__ import annotations

from dataclasses import dataclass, field

PERSONAS = ("anonymous", "admin", "sheng", "zibo", "jinan", "zhangdian", "zhoucun",
            "expert", "committee", "ent_user")
EVERYONE = frozenset(PERSONAS) - {"anonymous"}
OFFICIALS = frozenset({"admin", "sheng", "zibo", "jinan", "zhangdian", "zhoucun"})
# Who may see a record in 张店区 (淄博市), and who in 历城区 (济南市), by jurisdiction alone.
ZD_SCOPE = frozenset({"admin", "sheng", "zibo", "zhangdian"})
ZD_OUTSIDE = frozenset({"jinan", "zhoucun"})
JN_SCOPE = frozenset({"admin", "sheng", "jinan"})
JN_OUTSIDE = frozenset({"zibo", "zhangdian", "zhoucun"})
# Who keeps 张店甲's practices: the bureaus over it and its own safety manager.
ZD_PRACTICE = ZD_SCOPE | {"ent_user"}
REGISTER_FILES = ("risk-list.xlsx", "cards.docx")  # one scope check serves all five (test_practices_web reads them)
# A county's draft is its own: the levels above do not see it until it is put forward.
DRAFT_OWNER = frozenset({"zhangdian"})
# Review rounds (tests.review_helpers.ReviewIds): zhangdian edits every project, the world's expert sits on
# the panel of the first two, zibo is invited to comment on the first; the province and the committee see all.
REVIEW_RECORDS = frozenset({"admin", "sheng", "committee", "zhangdian", "expert"})
REVIEW_HIDDEN = frozenset({"jinan", "zhoucun", "ent_user"})
OUTSIDE_RECORDS = REVIEW_RECORDS - {"expert"}
OUTSIDE_HIDDEN = REVIEW_HIDDEN | {"expert", "zibo"}  # an expert outside the panel sees nothing of it
DRAFT_HIDDEN = ZD_OUTSIDE | {"zibo", "sheng"}
# A standard project (tests.standards_objects): zhangdian edits it; its panel does not include the world's expert,
# who — like everyone else outside it — gets 404 on every page of it.
STD_EDITOR = frozenset({"zhangdian"})
STD_VISIBLE = frozenset({"admin", "sheng", "committee"}) | STD_EDITOR
STD_HIDDEN = frozenset({"zibo", "jinan", "zhoucun", "expert", "ent_user"})
NOMINATORS = frozenset({"zibo", "jinan", "zhangdian", "zhoucun"})
# A project before the standards committee (tests.publication_helpers): its editor, its panel (the world's
# expert on it), the province and the committee see it; the committee alone approves, publishes, withdraws.
PUB_HIDDEN = REVIEW_HIDDEN | {"zibo"}
@dataclass(frozen=True)
class Case:
    method: str
    path: str
    ok: frozenset[str]
    not_found: frozenset[str] = field(default_factory=frozenset)
    public: bool = False


def c(method: str, path: str, ok: frozenset[str] | set[str], not_found: frozenset[str] | set[str] = frozenset(),
      public: bool = False) -> Case:
    return Case(method, path, frozenset(ok), frozenset(not_found), public)


def both(path: str, ok: frozenset[str] | set[str], not_found: frozenset[str] | set[str] = frozenset()) -> list[Case]:
    return [c("GET", path, ok, not_found), c("POST", path, ok, not_found)]
