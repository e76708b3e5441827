"""The metric SQL of src/reach/sql, rendered for Spark SQL: DuckDB stays the one source.

DuckDB's macros (sql/macros.sql, sql/age_macros.sql) do not transpile: Spark has no
`CREATE MACRO … AS TABLE`. So a query's table-macro calls become named CTE fragments put
in front of its own CTEs, and scalar-macro calls are replaced by the macro's body; then
SQLGlot writes the whole statement in Spark's dialect, as Splink does. Parameters stay
named markers (`$programs` in DuckDB, `:programs` in Spark): values are bound, never
written into the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlglot
from sqlglot import exp

from .. import sqlfiles

MACRO_FILES = ("macros", "age_macros")
DIALECT = "spark"
# The store's tables the metric queries read, always written `main.<table>` in them (a bare
# name is a CTE: cascade_levels has its own `events`).
STORE_TABLES = ("events", "participants", "countries", "country_reference")


class NotPortable(ValueError):
    """A metric query uses DuckDB in a way this renderer cannot carry to another engine."""


@dataclass(frozen=True)
class Macro:
    """One DuckDB macro: its parameter names and its body (a query for a table macro)."""

    name: str
    params: tuple[str, ...]
    body: exp.Expr

    @property
    def is_table(self) -> bool:
        """True for a table macro (AS TABLE), rendered as a CTE."""
        return isinstance(self.body, exp.Query)


@cache
def macros() -> dict[str, Macro]:
    """Every macro of the macro files, by name, parsed once."""
    found: dict[str, Macro] = {}
    for file in MACRO_FILES:
        for statement in sqlglot.parse(sqlfiles.sql_text(file), read="duckdb"):
            if statement is None:  # a file's trailing comment
                continue
            udf = statement.this
            if not (isinstance(statement, exp.Create) and isinstance(udf, exp.UserDefinedFunction)):
                raise NotPortable(f"{file}.sql holds a statement that is not a macro")
            params = tuple(p.name for p in udf.expressions)
            found[udf.this.name] = Macro(udf.this.name, params, statement.args["expression"])
    return found


def _bind(macro: Macro, args: list[exp.Expr]) -> exp.Expr:
    """The macro's body with each parameter replaced by its argument."""
    if len(args) != len(macro.params):
        raise NotPortable(f"{macro.name} takes {len(macro.params)} arguments")
    given = dict(zip(macro.params, args, strict=True))

    def swap(node: exp.Expr) -> exp.Expr:
        # Only a bare name is a parameter: `s.program` is a column even where a parameter
        # is called `program`.
        if isinstance(node, exp.Column) and not node.table and node.name in given:
            return given[node.name].copy()
        # SQLGlot reads a bare name as a truncation's unit as the unit's word, upper-cased:
        # date_trunc(grain, d) holds Var(GRAIN). A parameter there is still the parameter.
        if isinstance(node, exp.Var) and node.arg_key == "unit" and node.name.lower() in given:
            return given[node.name.lower()].copy()
        return node

    return macro.body.copy().transform(swap)


def _expand_scalars(tree: exp.Expr) -> exp.Expr:
    """Replace scalar-macro calls by their bodies, inner calls too (age_band(age_at_first(…)))."""
    found = macros()

    def call(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Anonymous) and node.name in found:
            macro = found[node.name]
            if not macro.is_table:
                # Parenthesised, so the body binds as one operand where the call stood.
                return exp.paren(_bind(macro, list(node.expressions)))
        return node

    while True:  # a transform does not revisit what it put in place: repeat until none is left
        before = tree.sql(dialect="duckdb")
        tree = tree.transform(call)
        if tree.sql(dialect="duckdb") == before:
            return tree


def _expand_tables(tree: exp.Expr, ctes: dict[str, exp.CTE], prefix: str) -> exp.Expr:
    """Replace table-macro calls by references to CTEs of the same name, added to `ctes`
    (a macro a macro calls comes first), and `main.<table>` by `<prefix><table>`."""
    found = macros()

    def call(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Anonymous):
            macro = found.get(node.this.name)
            if macro is None or not macro.is_table:
                return node
            args = list(node.this.expressions)
            # One CTE stands for every call, so every call must pass the query's own
            # parameters of the same names ($programs for programs, …), as they all do.
            wanted = [exp.Placeholder(this=p) for p in macro.params]
            if [a.sql() for a in args] != [w.sql() for w in wanted]:
                raise NotPortable(f"{macro.name} must be called with {', '.join(macro.params)}")
            if macro.name not in ctes:
                body = _expand_tables(_expand_scalars(_bind(macro, wanted)), ctes, prefix)
                alias = exp.TableAlias(this=exp.to_identifier(macro.name))
                ctes[macro.name] = exp.CTE(this=body, alias=alias)
            return exp.Table(this=exp.to_identifier(macro.name), alias=node.args.get("alias"))
        if isinstance(node, exp.Table) and node.db == "main":
            if node.name not in STORE_TABLES:
                raise NotPortable(f"main.{node.name} is not one of the tables Spark is given")
            # Each engine has views of its own, under its prefix, in a shared session.
            view = exp.to_identifier(prefix + node.name)
            return exp.Table(this=view, alias=node.args.get("alias"))
        return node

    return tree.transform(call)


def portable(name: str, prefix: str = "") -> exp.Query:
    """sql/<name>.sql as one macro-free statement (still DuckDB's dialect), reading the
    store's tables as `<prefix><table>`."""
    tree = sqlglot.parse_one(sqlfiles.sql_text(name), read="duckdb")
    if not isinstance(tree, exp.Query):
        raise NotPortable(f"{name}.sql is not a query")
    ctes: dict[str, exp.CTE] = {}
    tree = _expand_tables(_expand_scalars(tree), ctes, prefix)
    own = tree.args.get("with_")
    own_ctes = list(own.expressions) if own else []
    clash = {c.alias for c in own_ctes} & set(ctes)
    if clash:
        raise NotPortable(f"{name}.sql names a CTE like a macro: {', '.join(sorted(clash))}")
    for cte in own_ctes:
        # MATERIALIZED is a hint to DuckDB's planner (compute once); Spark has no such word.
        cte.set("materialized", None)
    tree.set("with_", exp.With(expressions=[*ctes.values(), *own_ctes]))
    return tree


@cache
def spark_sql(name: str, prefix: str = "") -> str:
    """sql/<name>.sql transpiled to Spark SQL, with `:name` parameter markers."""
    return portable(name, prefix).sql(dialect=DIALECT, comments=False)


def parameters(name: str) -> set[str]:
    """The parameter names a query uses (the markers Spark must be given values for)."""
    return {p.name for p in portable(name).find_all(exp.Placeholder)}
