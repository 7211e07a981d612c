"""Renderers: pure functions from domain objects to bytes (XLSX now, DOCX later). No session, no Flask."""
