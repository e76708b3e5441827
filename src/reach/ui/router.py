"""Which pages a viewer may open, and the guard that keeps pages behind the router."""

from __future__ import annotations

import threading
import time

import duckdb
import streamlit as st

from .. import accounts, problems, store
from ..i18n import N_, _
from . import auth, filters, frames, heap, language
from .auth import Viewer

DEFAULT = "overview"
_RUN = threading.local()  # .routed: this script run went through the router

# url path → (organisation page, donor page or None, title, the least role that may open it).
# Titles are in English here (marked for the catalog) and translated where the menu is built.
PAGES: dict[str, tuple[str, str | None, str, str]] = {
    "overview": ("pages/overview.py", "pages/donor_overview.py", N_("Overview"), "donor"),
    # Translators: the page title: reach as a noun, how many people were reached (охват).
    "reach": ("pages/reach.py", "pages/donor_reach.py", N_("Reach"), "donor"),
    # Translators: the page title: cascade training (каскадное обучение).
    "cascade": ("pages/cascade.py", "pages/donor_cascade.py", N_("Cascade"), "donor"),
    "gender": ("pages/gender.py", "pages/donor_gender.py", N_("Gender and age"), "donor"),
    "targets": ("pages/targets.py", "pages/donor_targets.py", N_("Targets"), "donor"),
    "report": ("pages/report.py", "pages/donor_report.py", N_("Report"), "donor"),
    "data": ("pages/data.py", None, N_("Data"), "analyst"),
    "accounts": ("pages/accounts.py", None, N_("Accounts"), "admin"),
    "audit": ("pages/audit.py", None, N_("Audit log"), "admin"),
    "methodology": ("pages/methodology.py", "pages/methodology.py", N_("Methodology"), "donor"),
}
# Pages that read the sidebar's filters.
FILTERED = ("overview", "reach", "cascade", "gender", "targets", "report")


def allowed(viewer: Viewer) -> list[str]:
    """The url paths of the pages this viewer may open, in menu order."""
    return [path for path, (*_, least) in PAGES.items() if viewer.can(least)]


def _not_available() -> None:
    st.title(_("Not available"))
    st.warning(_("This page is not available to your account."))


def _pages(viewer: Viewer) -> dict[str, st.Page]:
    out = {}
    for path, (org_file, donor_file, english, least) in PAGES.items():
        title = _(english)
        file = donor_file if viewer.is_donor else org_file
        if viewer.can(least) and file:
            out[path] = st.Page(file, title=title, url_path=path, default=path == DEFAULT)
        else:
            # A link to a page this role may not open lands on a sentence, never the page.
            out[path] = st.Page(_not_available, title=title, url_path=path, visibility="hidden")
    return out


def signed_out() -> None:
    """Only the sign-in page (or the open-mode banner), under every page's address."""
    page_fn = auth.open_remote_page if st.session_state.get("open_remote") else auth.sign_in_page
    # Translators: the title of the sign-in page (the browser tab's name).
    title = _("Sign in")
    pages = [
        st.Page(page_fn, title=title, url_path=path, default=path == DEFAULT) for path in PAGES
    ]
    page = st.navigation(pages, position="hidden")
    if page.url_path and page.url_path != DEFAULT:
        st.session_state["wanted_page"] = page.url_path
    page.run()


def _account_box(viewer: Viewer) -> None:
    side = st.sidebar
    if viewer.open_mode:
        side.caption(_("Open mode: no accounts yet (this computer only)."))
        return
    # Translators: {name} is the account's user name, {role} its role (donor, admin…).
    signed_in = _("Signed in as **{name}** ({role})")
    side.caption(signed_in.format(name=viewer.name, role=accounts.role_name(viewer.role)))
    side.button(_("Sign out"), key="sign_out", on_click=auth.sign_out, width="stretch")


def _banners(viewer: Viewer, path: str) -> None:
    if viewer.open_mode:
        st.warning(
            _(
                "Reach is in **open mode** (no accounts yet): anyone on this computer is an "
                "analyst; other computers see nothing. Create the first administrator with "
                "`python -m reach accounts add NAME --role admin`; then everyone signs in."
            )
        )
    if not viewer.is_donor and path in (*FILTERED, "data"):
        st.caption(
            _(
                ":material/lock: **Exact numbers, for use inside the organisation.** Do not "
                "share them outside it: donors get their own disclosure-controlled view."
            )
        )


def navigation(viewer: Viewer) -> st.Page:
    """The navigation menu of this viewer's pages; returns the page to run."""
    pages = _pages(viewer)
    page = st.navigation([pages[p] for p in PAGES])
    wanted = st.session_state.pop("wanted_page", None)
    if wanted in allowed(viewer) and wanted != (page.url_path or DEFAULT):
        st.switch_page(pages[wanted])
    return page


def sidebar(viewer: Viewer, page: st.Page) -> None:
    """The shared sidebar: the filters (on pages they act on), who is signed in, banners."""
    path = page.url_path or DEFAULT  # the default page's address is "/"
    if path in allowed(viewer) and path in FILTERED:
        st.session_state["filters"] = (
            filters.donor(viewer) if viewer.is_donor else filters.organisation(viewer)
        )
    else:
        # No filters here (they would act on nothing), but the choices wait for the next
        # page that has them.
        filters.keep()
    language.sidebar()
    _account_box(viewer)
    _banners(viewer, path)


def run(page: st.Page) -> None:
    """Run the page, marked as routed so its guard lets it through."""
    # A thread-local mark, not session state: each script run has its own thread, and
    # writing session state after the page's widgets would drop their values.
    _RUN.routed = True
    try:
        page.run()
    finally:
        _RUN.routed = False


def configure() -> None:
    """The page config every run starts with."""
    st.set_page_config(page_title="Reach", layout="wide")


def route() -> None:
    """Sign the viewer in, build the pages their role may see, draw the sidebar, run the page.

    What a page can expect to fail (a busy or damaged store) and anything else it did not
    expect ends in one sentence: no traceback, no internal path ever reaches the browser.
    """
    started, path = time.perf_counter(), "sign-in"
    try:
        heap.settle()  # once, after the process's first whole page (reach.ui.heap)
        viewer = auth.current()
        language.start(getattr(viewer, "language", None))
        if viewer is None:
            signed_out()  # the sign-in page under every address; nothing else is served
            return
        page = navigation(viewer)
        path = page.url_path or DEFAULT
        frames.style()
        sidebar(viewer, page)
        if st.session_state.get("stale"):
            st.info(
                _(
                    "A load is being written to the store right now: these are the numbers "
                    "from before it. Reload the page in a moment to see the new ones."
                )
            )
        run(page)
        heap.page_ran()
    except store.StoreBusy:
        st.warning(
            _(
                "The data is being updated right now (a load is running). Reload the page in "
                "a moment."
            )
        )
    except (duckdb.Error, OSError) as exc:
        problems.log(exc)
        st.error(
            _(
                "Reach cannot read its data store: the file may be damaged or missing. An "
                "administrator can restore the last backup with `python -m reach restore DIR`."
            )
        )
    except Exception as exc:  # noqa: BLE001 - one sentence for the person, details in the log
        problems.log(exc)
        st.error(
            _(
                "Something went wrong on this page and it was stopped. Nothing was changed. "
                "Try again; if it happens again, tell your administrator the time it happened."
            )
        )
    finally:
        problems.log_run(path, time.perf_counter() - started, problems.slow_run_seconds())


def guard(page_file: str) -> None:
    """Route a page script that Streamlit ran without the router, then stop that run.

    With a pages/ folder beside the main script, Streamlit runs a sub-page's file directly
    in its older multipage mode: on a fresh server's first request, and on every AppTest run.
    Then nobody has been signed in and no filter is set. The guard routes in this same run
    (sign-in first, and the page through the router if the role may see it), so widget
    state is kept and no page runs unguarded.
    """
    if getattr(_RUN, "routed", False):
        return
    configure()
    route()
    st.stop()
