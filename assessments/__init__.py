"""Gap self-assessments against published standards, rectification and verification (later issues)."""
