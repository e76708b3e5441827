"""The server's long-lived objects, kept out of the garbage collector's way.

Streamlit collects every generation of garbage after each script run (`gc.collect(2)`,
`runner.postScriptGC`), which walks every object the process holds: the libraries' modules
and tables (pandas, plotly's validators, Babel's and pycountry's data) that live as long as
the server. On the 1,000,000-row store that walk was a fifth of the server's time per redraw.
Once a whole page has run (its libraries imported and their data loaded), the next run starts
by moving those objects to the permanent generation (`gc.freeze`), so each collection walks
only what runs create. Not at the end of the first page itself: that would hold back the
first page a person waits for. Cycles among objects alive at that moment are not collected
later; nothing in a session is kept by it (reference counting frees what is not in a cycle,
as before).
"""

from __future__ import annotations

import atexit
import gc
import threading

_LOCK = threading.Lock()
_page_ran = False
_settled = False


def page_ran() -> None:
    """Note that a whole page has run in this process: the libraries pages need are loaded."""
    global _page_ran
    _page_ran = True


def settle() -> None:
    """Once a page has run, collect once and freeze what is alive; only the first call after
    that acts."""
    global _settled
    if _settled or not _page_ran:
        return
    with _LOCK:
        if _settled:
            return
        gc.collect()
        gc.freeze()
        # At exit the frozen objects go back to the collector, so the interpreter's final
        # clean-up still reaches them (and extension modules do not report them as leaked).
        atexit.register(gc.unfreeze)
        _settled = True
