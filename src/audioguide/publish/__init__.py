"""Publishing: Podcasting 2.0 chapters, cover art, the player page, the feed and series page.

Heavy imports (lxml, Pillow) happen inside the functions that need them.
"""
