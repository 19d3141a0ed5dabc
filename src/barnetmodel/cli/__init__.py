"""The command line: the Typer app (`app.py`), one module per command, and `shared.py`, what they share.

The top layer: it may import every other package; nothing imports it. `shared.py` is the one place
where a user's mistake becomes a message on standard error and exit code 2.
"""
