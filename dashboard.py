"""Reach dashboard: the router.

Sets the page config, signs the viewer in (or shows only the sign-in page), builds the pages
their role may see, draws the shared sidebar, then runs the page: see reach.ui.router.route.
"""

from reach.ui import router

router.configure()
router.route()
