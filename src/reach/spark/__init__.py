"""The metrics on Apache Spark: the same SQL as DuckDB's, transpiled (portable), run on a
Spark session over the Parquet export (engine)."""
