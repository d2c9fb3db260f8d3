"""The default pipeline's tokenizer: one regular expression over the text.

No rule of the default pipeline reads tokens: entities, dates, incidents and claims are found
on the characters of each sentence. Tokens only carry what spaCy users look at (sentence starts,
the ``ct_entities`` spans), so they need to be sensible, not linguistically exact. spaCy's
English tokenizer spends most of its time on its special cases ("don't", "Va.") and, on text it
has not seen, on prefix, suffix and infix searches per chunk: a third of the whole pipeline's
time on news text (170 of 520 ms per 60,000 CASIE words), for tokens nothing reads. This
tokenizer costs one ``findall`` (``docs/extraction.md`` has the measurements).

The statistical NER keeps its model's own tokenizer: it was trained on those tokens.

Tokens: URLs; initialisms ("U.S."); numbers with separators ("1,000", "3.5", "9/11"); words,
hyphenated or joined by "&"; clitics ("'s", "'ve"); any other single character. One ASCII
space after a token is its trailing whitespace, as in spaCy; any other run of whitespace
(line breaks, double spaces) is a token of its own. The Doc's text is the input, character for
character.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

TOKENIZER = "cybertrack.regex_tokenizer.v1"

_TOKEN = re.compile(
    r"""
    (   https?://[^\s<>"]*[^\s<>".,;:!?')\]]   # a URL, without the punctuation after it
      | (?:[^\W\d_]\.){2,}                      # an initialism: U.S. U.N.
      | \d+(?:[.,:/]\d+)+                       # a number with separators: 1,000 3.5 9/11
      | ['’](?:[sSdDmMtT]|re|RE|ve|VE|ll|LL)\b    # a clitic: 's 've 'll 't
      | \w+(?:[-&]\w+)*                         # a word, hyphenated or joined by '&'
      | [^\w\s]                                 # any other character
    )(\x20?)
    | (\s+)                                     # whitespace that is not a token's trailing space
    """,
    re.VERBOSE,
)


class RegexTokenizer:
    """Text -> Doc with the tokens above (``Doc(vocab, words, spaces)``)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        found = _TOKEN.findall(text)
        words = [token or space for token, _trailing, space in found]
        spaces = [trailing == " " for _token, trailing, _space in found]
        return Doc(self.vocab, words=words, spaces=spaces)

    # spaCy serializes a pipeline's tokenizer with it (``nlp.to_bytes``, ``nlp.to_disk``); this
    # one has no settings of its own: its pattern is code, so there is nothing to save or load.
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> RegexTokenizer:
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).write_bytes(b"")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RegexTokenizer:
        return self


@spacy.registry.tokenizers(TOKENIZER)
def create_tokenizer() -> Callable[[spacy.Language], RegexTokenizer]:
    """spaCy's registry entry: ``[nlp.tokenizer] @tokenizers = "cybertrack.regex_tokenizer.v1"``."""

    def create(nlp: spacy.Language) -> RegexTokenizer:
        return RegexTokenizer(nlp.vocab)

    return create
