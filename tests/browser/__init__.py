"""Workbench tests in a real browser and over HTTP (a package, so its conftest does not clash with tests/conftest.py)."""
