"""ffmpeg: which binary (binary.py: found, self-tested, remembered), the encoder's command and
what it prints (graph.py), and running it (run.py). Below audio/: it knows ffmpeg, not audio."""
