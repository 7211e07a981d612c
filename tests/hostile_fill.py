"""What a person fills in each form the hostile-input sweep submits, so that the form as
drawn, blanks filled, is accepted — and the probes that follow test the field they attack."""

from __future__ import annotations

import datetime as dt

from core.db import china_today
from tests import factories
from tests.xlsx import row, workbook

NEW_PASSWORD = "Probe-pass-2468"


def fill() -> dict[str, dict[str, list[str]]]:
    """Values for blanks a person must fill, per endpoint: a clean submission is accepted."""
    today = china_today()
    return {
        "auth.login": {"username": ["t_expert"], "password": [factories.PASSWORD]},
        "auth.change_password": {"current_password": [factories.PASSWORD], "new_password": [NEW_PASSWORD],
                                 "confirm": [NEW_PASSWORD]},
        "enterprises.new": {"name": ["探针化工有限公司"], "credit_code": [factories.credit_code()],
                            "county_code": ["370303"], "industry_code": ["CHEM"]},
        "nominations.new_campaign": {
            "title": ["探针遴选批次"], "year": [str(today.year)], "industry_codes": ["CHEM"],
            "county_deadline": [str(today + dt.timedelta(days=20))],
            "city_deadline": [str(today + dt.timedelta(days=30))],
            "province_deadline": [str(today + dt.timedelta(days=40))]},
        "nominations.act": {"reason": ["经审核，材料齐全。"]},
        "nominations.campaign_act": {"reason": ["本批次工作结束。"]},
        "admin.new_user": {"username": ["probe_user"], "display_name": ["探针用户"], "roles": ["expert"],
                           "password": [NEW_PASSWORD]},
        "admin.reset_password": {"password": [NEW_PASSWORD]},
        "review.comment": {"text": ["探针意见：建议补充储罐区的管控措施。"]},
        "review.dispose": {"disposition": ["partly"], "disposition_reason": ["部分内容已在 4.1 体现。"]},
        "review.vote": {"choice": ["agree_with_changes"], "opinion": ["修改表A.1后同意。"]},
        "review.conclude": {"conclusion": ["专家组同意通过审查。"]},
        "practices.new_risk_point": {"name": ["探针风险点"], "kind": ["equipment"], "hazards": ["探针危险因素"],
                                     "ls_l": ["3"], "ls_s": ["3"]},
        "practices.new_check_item": {"content": ["探针排查内容"], "frequency": ["day"], "category": ["site"],
                                     "check_level": ["team"]},
        "assessments.save_plan": {"measure": ["探针整改措施"], "responsible": ["探针"], "funds": ["1.5"],
                                  "deadline": [str(today + dt.timedelta(days=30))], "contingency": ["加强巡检"]},
        "assessments.act": {"reason": ["资料与现场不符，请核实。"]},
        "assessments.rectification_act": {"reason": ["已按计划完成整改。"]},
        "assessments.new_campaign": {"title": ["探针对标任务"], "deadline": [str(today + dt.timedelta(days=30))]},
    }


def files() -> dict[str, tuple[str, bytes]]:
    """The file a person would choose in each upload form (name, content)."""
    sheet = workbook([row("探针导入化工有限公司", factories.credit_code())])
    return {"nominations.upload": ("证明材料.pdf", factories.PDF), "enterprises.import_file": ("企业名录.xlsx", sheet),
            "assessments.attach": ("证据.pdf", factories.PDF),
            "assessments.rectification_attach": ("整改照片.pdf", factories.PDF)}
