"""audioguide sync: a site's feed, sitemap or folder in, a podcast out, kept in sync.

    sources.py   SOURCE (RSS/Atom feed, sitemap.xml, folder; a URL or a file) -> Entries
    state.py     DIR's lock and its small state file (what was built from what, ETags)
    run.py       the loop: examine every entry, build what is new or changed, write the feed
    cluster.py   the builds as Ray actors on a cluster (`--ray ADDRESS`), one voice per worker
"""

from __future__ import annotations

from .run import SyncOptions, SyncReport, sync

__all__ = ["SyncOptions", "SyncReport", "sync"]
