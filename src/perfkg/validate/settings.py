"""Validation settings (thresholds) from shapes/config.ttl, overridable by name, checked and typed as RDF literals."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Mapping

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from perfkg.errors import PerfkgError
from perfkg.resources import resource

PKS = Namespace("https://w3id.org/perfkg/shapes#")
CONFIG_FILE = "config.ttl"


class ConfigError(PerfkgError):
    """A bad --set / config value: unknown key, not a number, or out of range."""


@dataclass(frozen=True)
class Setting:
    iri: URIRef
    key: str
    parameter: URIRef  # the SHACL parameter the value replaces, e.g. sh:minInclusive
    default: Literal
    minimum: Decimal
    maximum: Decimal
    label: dict[str, str]
    comment: dict[str, str]

    def literal(self, value: object) -> Literal:
        """The value as an RDF literal of the default's datatype; ConfigError when invalid."""
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ConfigError(f"配置项 {self.key} 的值“{value}”不是数字",
                              f"setting {self.key}: {value!r} is not a number") from None
        if not number.is_finite() or not self.minimum <= number <= self.maximum:
            raise ConfigError(f"配置项 {self.key} 的值 {value} 超出允许范围 {self.minimum}–{self.maximum}",
                              f"setting {self.key}: {value} is outside {self.minimum}–{self.maximum}")
        if self.default.datatype == XSD.integer:
            if number != number.to_integral_value():
                raise ConfigError(f"配置项 {self.key} 须为整数（给出的是 {value}）",
                                  f"setting {self.key} must be a whole number (got {value})")
            return Literal(int(number))
        return Literal(number, datatype=XSD.decimal)


def _lang_map(g: Graph, s: URIRef, p: URIRef) -> dict[str, str]:
    return {lit.language: str(lit) for lit in g.objects(s, p) if isinstance(lit, Literal) and lit.language}


@cache
def settings() -> dict[str, Setting]:
    """Every setting declared in shapes/config.ttl, by key."""
    g = Graph().parse(resource("shapes", CONFIG_FILE), format="turtle")
    out = {}
    for s in g.subjects(RDF.type, PKS.Setting):
        key = str(g.value(s, PKS.key))
        out[key] = Setting(s, key, g.value(s, PKS.parameter), g.value(s, PKS.defaultValue),
                           Decimal(str(g.value(s, PKS.minValue))), Decimal(str(g.value(s, PKS.maxValue))),
                           _lang_map(g, s, RDFS.label), _lang_map(g, s, RDFS.comment))
    return out


def read_config_file(path: str | Path) -> dict[str, str]:
    """Overrides from a Turtle file of `pks:<key> pks:value N` statements."""
    try:
        g = Graph().parse(path, format="turtle")
    except Exception as e:  # rdflib raises many types
        raise ConfigError(f"无法读取配置文件 {path}：{e}", f"cannot read the config file {path}: {e}") from None
    by_iri = {s.iri: key for key, s in settings().items()}
    out = {}
    for s, value in g.subject_objects(PKS.value):
        if s not in by_iri:
            raise ConfigError(f"配置文件 {path} 中有未知配置项 {s}", f"unknown setting {s} in {path}")
        out[by_iri[s]] = str(value)
    return out


def parse_assignments(items: list[str]) -> dict[str, str]:
    """["satisfaction-floor=90"] -> {"satisfaction-floor": "90"} (the CLI's --set)."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set 的格式应为 键=值（如 satisfaction-floor=90），而不是“{item}”",
                              f"--set takes key=value (e.g. satisfaction-floor=90), not {item!r}")
        out[key.strip()] = value.strip()
    return out


def resolve(overrides: Mapping[str, object] | None = None) -> dict[str, Literal]:
    """Every setting's value as a literal: the default, or the override (checked)."""
    known = settings()
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ConfigError(f"未知配置项：{', '.join(unknown)}（可用：{', '.join(sorted(known))}）",
                          f"unknown setting(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    return {key: s.literal(overrides[key]) if key in overrides else s.default for key, s in known.items()}
