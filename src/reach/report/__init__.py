"""The impact report: charts, tables and pages rendered offline to HTML and PDF."""
