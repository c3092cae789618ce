"""Mandate linking: ties goals, measures, projects and indicators to the mandate concepts they serve, with evidence."""
from perfkg.link.lexicon import Lexicon, load_lexicon, scheme_files
from perfkg.link.linker import LinkReport, link_document

__all__ = ["Lexicon", "LinkReport", "link_document", "load_lexicon", "scheme_files"]
