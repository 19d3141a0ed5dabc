"""Renderers: results (plain data) in, text or bytes out, one format a module (tables, JSON, CSV,
Markdown, charts, the HTML report, the workbook); `atomic` writes a file whole or not at all.

May import `analysis`, `engine`, `scenario`, `data` and `errors`; never `scenario_tests` or `cli`.
"""
