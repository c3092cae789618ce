"""Header-driven interpretation of performance-target tables of every common layout (issue 11): the tables of a file
the Hebei interpreter (parse/document.py) does not claim are read here by their titles, headers and field labels."""
from perfkg.parse.tables.interpret import interpret_tables

__all__ = ["interpret_tables"]
