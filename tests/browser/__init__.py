"""Tests that drive a real Chromium against a live server (``pytest -m browser``)."""
