"""The authorisation table's rows for the assessment pages (``tests.test_authorization`` merges them).

The records are 张店甲's (``tests.assessment_helpers.AssessmentIds``, built through ``o.assessments()``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.authorization_cases import OFFICIALS, ZD_OUTSIDE, ZD_SCOPE, Case, both, c

# 张店甲's assessments (tests.assessment_helpers): its safety manager and the bureaus over it; the bureaus
# over it verify; only the enterprise answers. Everyone who uses assessments reaches the lists.
ASM_OK = ZD_SCOPE | {"ent_user"}
ASM_USERS = OFFICIALS | {"ent_user"}
ASM_VERIFIERS = frozenset({"sheng", "zibo", "zhangdian"})
BUREAUS = OFFICIALS - {"admin"}
ENT = frozenset({"ent_user"})



ASSESSMENT_SPEC: dict[str, Callable[[Any], list[Case]]] = {
    "assessments.index": lambda o: [c("GET", "/assessments/", ASM_USERS)],
    "assessments.start": lambda o: [c("POST", "/assessments/start", ENT)],
    "assessments.show": lambda o: [c("GET", f"/assessments/{o.assessments().submitted}", ASM_OK, ZD_OUTSIDE),
                                   c("GET", f"/assessments/{o.assessments().draft}", ASM_OK, ZD_OUTSIDE)],
    "assessments.save_answer": lambda o: [
        c("POST", f"/assessments/{o.assessments().draft}/answers/{o.assessments().key}", ENT, ZD_OUTSIDE)],
    "assessments.attach": lambda o: [
        c("POST", f"/assessments/{o.assessments().draft}/answers/{o.assessments().key}/evidence", ENT, ZD_OUTSIDE)],
    "assessments.evidence": lambda o: [
        c("GET", f"/assessments/{o.assessments().submitted}/evidence/{o.assessments().evidence}", ASM_OK, ZD_OUTSIDE)],
    "assessments.detach": lambda o: [c("POST", "/assessments/{0.draft}/evidence/{0.draft_evidence}/delete".format(
        o.assessments()), ENT, ZD_OUTSIDE)],
    "assessments.save_plan": lambda o: [
        c("POST", f"/assessments/{o.assessments().draft}/plans/{o.assessments().key}", ENT, ZD_OUTSIDE)],
    "assessments.act": lambda o: [
        c("POST", f"/assessments/{o.assessments().submitted}/actions/verify", ASM_VERIFIERS, ZD_OUTSIDE),
        c("POST", f"/assessments/{o.assessments().draft}/actions/submit", ENT, ZD_OUTSIDE)],
    "assessments.report_docx": lambda o: [
        c("GET", f"/assessments/{o.assessments().submitted}/report.docx", ASM_OK, ZD_OUTSIDE)],
    "assessments.report_xlsx": lambda o: [
        c("GET", f"/assessments/{o.assessments().submitted}/report.xlsx", ASM_OK, ZD_OUTSIDE)],
    "assessments.compare": lambda o: [
        c("GET", f"/assessments/{o.assessments().submitted}/compare", ASM_OK, ZD_OUTSIDE)],
    "assessments.rectifications": lambda o: [c("GET", "/assessments/rectifications/", ASM_USERS)],
    "assessments.rectification": lambda o: [
        c("GET", f"/assessments/rectifications/{o.assessments().rectification}", ASM_OK, ZD_OUTSIDE)],
    "assessments.rectification_attach": lambda o: [
        c("POST", f"/assessments/rectifications/{o.assessments().rectification}/evidence", ENT, ZD_OUTSIDE)],
    "assessments.rectification_evidence": lambda o: [c(
        "GET", f"/assessments/rectifications/{o.assessments().rectification}/evidence/{o.assessments().rect_evidence}",
        ASM_OK, ZD_OUTSIDE)],
    "assessments.rectification_act": lambda o: [
        c("POST", f"/assessments/rectifications/{o.assessments().rectification}/actions/complete", ENT, ZD_OUTSIDE)],
    "assessments.campaigns": lambda o: [c("GET", "/assessments/campaigns/", ASM_USERS)],
    "assessments.new_campaign": lambda o: both("/assessments/campaigns/new", BUREAUS),
    "assessments.campaign": lambda o: [c("GET", f"/assessments/campaigns/{o.assessments().campaign}", ZD_SCOPE,
                                         ZD_OUTSIDE | ENT)],
    "assessments.dashboard": lambda o: [c("GET", "/assessments/dashboard?region=370303", ZD_SCOPE, ZD_OUTSIDE)],
    "assessments.dashboard_export": lambda o: [
        c("GET", "/assessments/dashboard/export.xlsx?region=370303", ZD_SCOPE, ZD_OUTSIDE)],
    "assessments.most_failed": lambda o: [
        c("GET", f"/assessments/most-failed/{o.assessments().publication}", ASM_USERS)],
}
