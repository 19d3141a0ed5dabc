"""What a command asks of the engine: a scenario's full analysis (`analyse`), its figures as plain,
JSON-ready data (`results`), sensitivity and switching values, comparisons of scenarios, and the
addresses of figures in the results, and the audit of payments against a promise (`audit`).

May import `engine`, `scenario`, `payments`, `data` and `errors`; never `output` or `cli`.
"""
