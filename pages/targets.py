"""Targets: each program's targets against what it reached, and whether it is on track."""

from reach.i18n import _
from reach.ui import frames, session, targets_view
from reach.ui.router import guard

guard(__file__)

filters, scope, _summary = frames.page_start(_("Targets"))
progress = session.progress(filters, frames.viewer().programs)
targets_view.tiles(progress)
targets_view.draw(progress, scope, donor=False)
