"""The one Settings object: names from the command line, a file or a caller become enums."""

from __future__ import annotations

import pytest

from audioguide.errors import SettingsError
from audioguide.models import AudioFormat, EngineName
from audioguide.settings import Settings, load_file


def test_engine_and_format_names_become_the_enums():
    settings = Settings(engine="espeak", format="m4b")  # type: ignore[arg-type]
    assert settings.engine is EngineName.ESPEAK and settings.format is AudioFormat.M4B
    assert settings.with_(engine="piper").engine is EngineName.PIPER


@pytest.mark.parametrize(("field", "value", "words"), [
    ("engine", "festival", "--engine 'festival': choose one of auto, gtts, piper, espeak"),
    ("format", "ogg", "--format 'ogg': choose mp3 or m4b"),
])
def test_an_unknown_name_is_one_settings_error(field, value, words):
    with pytest.raises(SettingsError, match=words):
        Settings(**{field: value})


def test_a_settings_file_gives_the_enums(tmp_path):
    path = tmp_path / "audioguide.toml"
    path.write_text('[build]\nengine = "gtts"\nformat = "m4b"\n', encoding="utf-8")
    settings = load_file(path)
    assert settings.engine is EngineName.GTTS and settings.format is AudioFormat.M4B
    path.write_text('[build]\nformat = "wav"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="'wav'"):
        load_file(path)
