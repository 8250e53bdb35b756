<?xml version="1.0" encoding="UTF-8"?>
<!-- Names the default piper voice says wrongly without help (see tests/test_lexicon_pls.py). -->
<lexicon version="1.0" alphabet="ipa" xml:lang="en-US"
         xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">
  <lexeme>
    <grapheme>Huawei</grapheme>
    <alias>wah way</alias>
  </lexeme>
  <lexeme>
    <grapheme>Joaquin</grapheme>
    <grapheme>Joaquín</grapheme>
    <phoneme>wɑːˈkiːn</phoneme>
  </lexeme>
  <lexeme role="exact">
    <grapheme>AWOL</grapheme>
    <alias>ay wall</alias>
  </lexeme>
  <lexeme>
    <grapheme>Lake Wobegon</grapheme>
    <phoneme alphabet="ipa">leɪk ˈwoʊbɪɡɑn</phoneme>
  </lexeme>
</lexicon>
