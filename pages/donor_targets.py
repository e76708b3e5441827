"""Targets for donors: targets against published actuals (disclosure rule applied)."""

from reach.i18n import _
from reach.ui import frames, session, targets_view
from reach.ui.router import guard

guard(__file__)

f, scope, _summary = frames.donor_page_start(_("Targets"))
progress = session.donor_progress(f, frames.viewer().programs)
targets_view.tiles(progress)
targets_view.draw(progress, scope, donor=True)
