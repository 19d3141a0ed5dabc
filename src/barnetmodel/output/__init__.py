"""Renderers: results (plain data) in, text out. Each module renders one format."""
