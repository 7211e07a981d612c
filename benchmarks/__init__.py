"""Benchmark enterprises: nomination campaigns, nominations climbing county → city → province, selection."""
