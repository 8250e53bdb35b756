"""One episode folder: everything a build writes after the encode, from the Manifest.

steps.py runs the writers in order: cover art (cover_art.py, cover.py), ID3/MP4 tags and
chapters (tags.py), transcripts (transcripts.py), Podcasting 2.0 chapters JSON (chapters.py),
the read-along EPUB (epub.py) and the player page (page.py, templates/, static/).
"""
