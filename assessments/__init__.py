"""Gap self-assessments (对标达标) against published standards: scoring and grading, evidence,
rectifications followed to closure, the bureau's verification, peer comparison, and the
aggregates the regulators' dashboards read."""
