"""Report for donors: the impact report of the donor's choice, published numbers only."""

from reach.ui import report_view
from reach.ui.router import guard

guard(__file__)

report_view.draw(donor=True)
