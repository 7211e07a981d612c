"""Self-assessments (对标达标): the enterprise fills in and submits, the bureau verifies,
rectifications are followed to closure; campaigns, the regulator's dashboard, reports."""

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessments")

from app.assessments import campaign_routes, dashboard_routes, rectification_routes, reports, routes  # noqa: E402,F401

__all__ = ["bp"]
