"""The Streamlit glue: session and caches, sign-in and roles, filters, and chart frames.

Only this package (and pages/, dashboard.py) imports Streamlit; every number still comes from
reach.metrics (exact, for the organisation) or reach.donor (published, for donors).
"""
