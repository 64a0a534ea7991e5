"""The register exchange format: table definitions, reader and validator (pure, no Django)."""

from akrim.engines.exchange.reader import Extract, ExtractInvalid, Problem, read_extract
from akrim.engines.exchange.schema import TABLES, ColumnSpec, TableSpec

__all__ = [
    "TABLES",
    "ColumnSpec",
    "Extract",
    "ExtractInvalid",
    "Problem",
    "TableSpec",
    "read_extract",
]
