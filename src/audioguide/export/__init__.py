"""Writers for what a build produces: tags and chapters, transcripts."""
