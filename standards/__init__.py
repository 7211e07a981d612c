"""Structured control standards: projects, the clause tree, review, publication (later issues)."""
