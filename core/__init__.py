"""The shared kernel: persistence, people and places, enterprises, files, the audit trail.

It imports nothing else of ours; every other package builds on it.
"""
