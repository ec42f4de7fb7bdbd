"""Dry runs: a scenario played many times by bots (`exercise simulate`).

A shell around the pure engine: a process pool, progress and a text report
(`simulate`); the bots' policies are in `exercise.bots`.
"""
