"""Reasoning over linked graphs: HermiT via owlready2 per document, the same entailments by SPARQL CONSTRUCT."""
from perfkg.reason.construct import infer_with_construct
from perfkg.reason.hermit import InconsistentGraphError, check_ontology, infer_with_hermit, java_available
from perfkg.reason.materialise import Inferred, inferred_graph_iri, materialise

__all__ = ["Inferred", "InconsistentGraphError", "check_ontology", "infer_with_construct", "infer_with_hermit",
           "inferred_graph_iri", "java_available", "materialise"]
