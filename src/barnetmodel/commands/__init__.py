"""Commands beyond `run`, one module each; like cli.py they import only typer at module level."""
