"""Scenario test files: a scenario, its expected figures and their margins, checked by `barnetmodel test`."""
