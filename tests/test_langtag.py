"""One module for language tags, one meaning of "the same language"."""

from __future__ import annotations

import pytest

from audioguide import langtag


@pytest.mark.parametrize(("text", "spelled"), [
    ("pt_br", "pt-BR"), ("EN-us", "en-US"), ("zh-hant-tw", "zh-Hant-TW"), ("es-419", "es-419"),
    (" fr ", "fr"), ("de-CH-1996", "de-CH-1996"), ("", ""), (None, ""), ("english", ""),
    ("en--", "en"), ("fr-", "fr"), ("x", ""), ("12", ""), ("en us", ""),
])
def test_a_tag_in_its_usual_spelling_or_nothing(text, spelled):
    assert langtag.tag(text) == spelled


@pytest.mark.parametrize(("a", "b", "same"), [
    ("en", "en-GB", True), ("EN_us", "en-gb", True), ("fr-CA", "fr", True),
    ("zh-Hans", "zh-Hant", True), ("pt-BR", "es", False), ("en", None, False),
    (None, "", True), ("nb", "no", False),
])
def test_the_same_language_is_the_same_primary_subtag(a, b, same):
    assert langtag.same_language(a, b) is same
    assert langtag.same_language(b, a) is same


def test_parts_of_a_tag():
    assert langtag.primary("FR_ca") == "fr" and langtag.primary(None) == ""
    assert langtag.region("en-gb") == "GB" and langtag.region("es-419") == "419"
    assert langtag.region("zh-Hant") == "" and langtag.region("zh-Hant-TW") == "TW"
    assert langtag.is_english("en-IE") and langtag.is_english(None)
    assert not langtag.is_english("fr")
    assert langtag.direction("ar-EG") == "rtl" and langtag.direction("he") == "rtl"
    assert langtag.direction("en") == "ltr" and langtag.direction(None) == "ltr"
