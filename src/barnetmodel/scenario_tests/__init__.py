"""Scenario test files: a scenario, its expected figures and their margins, checked by `barnetmodel test`;
`--update` and JUnit XML.

May import `analysis`, `engine`, `scenario`, `data` and `errors`; never `output` or `cli`.
"""
