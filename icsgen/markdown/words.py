"""The words the Markdown converter writes into a page itself (a component's label, a video's
placeholder, a wide table's name), by the names of the theme's words, in English.

The renderer gives the converter the theme's words in the page's language instead (`PageLinks.words`);
a test checks these are the same as the built-in theme's `strings/en.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

# The words the converter itself writes into a page (a component's label, a video's placeholder), by
# the names of the theme's words (icsgen/themes/nhs/strings/en.yaml): the renderer gives them in the
# page's language (`PageLinks.words`, the templates' `t`); these English ones are what a conversion
# without them uses. A word that counts has its plural forms.
WORDS: Mapping[str, Any] = MappingProxyType({
    "information": "Information:",
    "important": "Important:",
    "notice_important": "Important",
    "more_information": "More information",
    "table": "Table",
    "table_of": "Table: {headings}",
    "list_separator": ", ",
    "video_play": "Play video: {title}",
    "video_frame": "Video: {title}",
    "video_duration": "(video, {duration})",
    "video_consent": "Playing the video here loads it from {site}, which may then store information on your device.",
    "video_watch": "Watch '{title}' on {site}",
    "video_transcript": "Read the transcript of '{title}'",
    "duration_hours": {"one": "{count} hour", "other": "{count} hours"},
    "duration_minutes": {"one": "{count} minute", "other": "{count} minutes"},
    "duration_seconds": {"one": "{count} second", "other": "{count} seconds"},
})


def english(word: str, /, count: int | None = None, **values: Any) -> str:
    """One of WORDS in English with its places filled in: the words of a conversion given none."""
    text = WORDS[word]
    if isinstance(text, Mapping):
        text = text["one" if count == 1 else "other"]
    if count is not None:
        values = {"count": count, **values}
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text
