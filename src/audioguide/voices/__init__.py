"""The Piper voice catalogue and what is done with it (`audioguide voices ...`).

    catalogue.py  voices.json of rhasspy/piper-voices at a pinned revision: fetched once,
                  cached, read offline from the cache; the listing of `voices --all`
    download.py   `voices get` (each file to a temporary name, checked against the catalogue's
                  size and md5, resumed with HTTP Range when cut, then renamed), `voices
                  remove`, and a --voice KEY fetched before a build
    sample.py     `voices sample`: a sentence in a voice's language, as an MP3

The voices installed here (the bundled one and the user's voices folder) are
engines/piper_voices.py: engines read them and never import this package.
"""
