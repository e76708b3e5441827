"""Report: the impact report of the current filters, exact numbers, as PDF and HTML."""

from reach.ui import report_view
from reach.ui.router import guard

guard(__file__)

report_view.draw(donor=False)
