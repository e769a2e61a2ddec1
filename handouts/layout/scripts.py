"""Script runs: where a text changes writing system (UAX #24 script itemisation).

HarfBuzz shapes a run of text by the rules of one script: Bengali and Devanagari
syllables reorder pre-base vowel signs and hide the virama of a conjunct only when the
run is shaped as Bengali or Devanagari. Left to guess, HarfBuzz takes the script of the
first letter, so "IgM বেশি" shaped as one run is shaped as Latin and the Bengali comes
out broken ("বশেি", dotted circles). Text is therefore split into runs of one script
before shaping, and each run is shaped with its script set explicitly.

Every character has a script in the Unicode Character Database (read here through
ICU). Characters of script Common (digits, punctuation, spaces, symbols, bidi controls)
and Inherited (combining marks, ZWJ, ZWNJ) belong to no script of their own and join
the run of their neighbours, as UAX #24 and the usual itemisers (Pango, HarfBuzz's
own utilities) do:

* an Inherited character takes the script of the character before it;
* a Common character takes the script of the character before it; at the start of a
  text, before any letter, it takes the script of the first letter that follows
  ("39.4 কোনো" is one Bengali run; "39.4°C কোনো" is a Latin run "39.4°C " because of
  the C, then a Bengali run);
* a closing bracket takes the script of its opening bracket, so "বেশি (IgM) বা" keeps
  both brackets in the Bengali run around "IgM" (bracket pairs from the Unicode
  Bidi_Paired_Bracket property);
* a text with no letter at all is one run of script Common (``Zyyy``), which HarfBuzz
  shapes with its default shaper.

Script extensions (Script_Extensions) are not consulted: a danda after a Latin word
joins the Latin run, which shapes it the same way.
"""

from __future__ import annotations

from functools import lru_cache

import icu

COMMON = "Zyyy"
INHERITED = "Zinh"
UNKNOWN = "Zzzz"

# ICU's UBidiPairedBracketType values.
_OPEN_BRACKET = 1
_CLOSE_BRACKET = 2
_MAX_OPEN_BRACKETS = 64  # deeper nesting is not tracked (Pango uses the same limit)


@lru_cache(maxsize=8192)
def char_script(char: str) -> str:
    """The ISO 15924 code of ``char``'s Unicode Script property ("Beng", "Zyyy")."""
    return icu.Script.getScript(ord(char)).getShortName()


def _bracket(char: str) -> tuple[int, str]:
    """(bracket type, the paired bracket) of ``char``; type 0 for any other character."""
    code = ord(char)
    kind = icu.Char.getIntPropertyValue(code, icu.UProperty.BIDI_PAIRED_BRACKET_TYPE)
    return kind, chr(icu.Char.getBidiPairedBracket(code)) if kind else char


def resolve_scripts(text: str) -> list[str]:
    """The script every character of ``text`` is shaped in (ISO 15924 codes, one per
    character): its own, or for Common and Inherited characters its neighbours'."""
    resolved = [COMMON] * len(text)
    current = COMMON  # the resolved script of the previous character
    opened: list[tuple[str, int]] = []  # open brackets: (the closing bracket, index)
    for index, char in enumerate(text):
        script = char_script(char)
        if script == INHERITED:
            script = current
        elif script in (COMMON, UNKNOWN):
            script = current
            kind, pair = _bracket(char)
            if kind == _OPEN_BRACKET and len(opened) < _MAX_OPEN_BRACKETS:
                opened.append((pair, index))
            elif kind == _CLOSE_BRACKET:
                for depth in range(len(opened) - 1, -1, -1):
                    if opened[depth][0] == char:
                        script = resolved[opened[depth][1]]
                        del opened[depth:]
                        break
        elif current == COMMON:
            # The first letter: everything before it joins its run.
            resolved[:index] = [script] * index
        resolved[index] = script
        current = script
    return resolved


def script_runs(text: str) -> list[tuple[int, int, str]]:
    """``text`` split into maximal runs of one resolved script: (start, end, script)."""
    runs: list[tuple[int, int, str]] = []
    for index, script in enumerate(resolve_scripts(text)):
        if runs and runs[-1][2] == script:
            runs[-1] = (runs[-1][0], index + 1, script)
        else:
            runs.append((index, index + 1, script))
    return runs
