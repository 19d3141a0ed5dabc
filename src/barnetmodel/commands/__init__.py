"""The bodies of commands that need more than a few lines; cli.py holds their Typer signatures."""
