"""perfkg: a knowledge graph of Chinese budget-performance documents (部门预算绩效文本)."""

__version__ = "0.1.0"
