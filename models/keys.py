"""The SQL form of the one key rule (services.names): a name without case and extra spaces."""
from __future__ import annotations


def name_key_sql(column: str) -> str:
    """lower(trim(column)) with runs of up to 16 spaces as one; the unique indexes of migration 0008."""
    expr = f"trim({column})"
    for _ in range(4):
        expr = f"replace({expr}, '  ', ' ')"
    return f"lower({expr})"
