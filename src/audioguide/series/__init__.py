"""The series: what sits beside the episode folders in the output folder, read from their
Manifests: the podcast feed (feed.xml, feed.py) and the series page (index.html, page.py).

Heavy imports (lxml, Pillow) happen inside the functions that need them.
"""
