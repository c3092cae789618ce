"""Validation of submissions: SHACL shapes for the review rules (shapes/), run per document, reported for people."""
from perfkg.validate.render_html import render_html
from perfkg.validate.render_json import render_json
from perfkg.validate.render_text import render_summary, render_text
from perfkg.validate.render_turtle import render_turtle
from perfkg.validate.report import DocumentReport, ElementRef, Finding, InputProblem, exit_code
from perfkg.validate.run import validate_documents, validate_graph
from perfkg.validate.shapes import Shapes, load_shapes

__all__ = ["DocumentReport", "ElementRef", "Finding", "InputProblem", "Shapes", "exit_code", "load_shapes",
           "render_html", "render_json", "render_summary", "render_text", "render_turtle", "validate_documents",
           "validate_graph"]
