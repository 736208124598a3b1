"""The `!!! video` component: a placeholder with its title, duration and links; mistakes at their lines."""

from __future__ import annotations

import pytest

from icsgen.markdown import LinkTarget, MarkdownConverter, PageLinks
from icsgen.markdown.video import duration_words, where


def convert(source: str) -> tuple[str, list[tuple[int, str, str]]]:
    links = PageLinks(resolve=lambda path: LinkTarget("leeds/transcript/", "leeds/transcript.md")
                      if path == "transcript.md" else f"no page '{path}' (from content/)",
                      relative=lambda url: "../" + url, source=source, first_line=5)
    return MarkdownConverter().convert(source, links).html, [(p.line, p.message, p.hint) for p in links.problems]


@pytest.mark.parametrize(("url", "embed", "watch"), [
    ("https://www.youtube.com/watch?v=a1B_c3D4e-F&t=10", "https://www.youtube-nocookie.com/embed/a1B_c3D4e-F?autoplay=1",
     "https://www.youtube.com/watch?v=a1B_c3D4e-F"),
    ("https://youtu.be/a1B_c3D4e-F", "https://www.youtube-nocookie.com/embed/a1B_c3D4e-F?autoplay=1",
     "https://www.youtube.com/watch?v=a1B_c3D4e-F"),
    ("https://m.youtube.com/shorts/a1B_c3D4e-F", "https://www.youtube-nocookie.com/embed/a1B_c3D4e-F?autoplay=1",
     "https://www.youtube.com/watch?v=a1B_c3D4e-F"),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1",
     "https://vimeo.com/76979871"),
    ("https://vimeo.com/76979871/abc123def0", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=abc123def0",
     "https://vimeo.com/76979871/abc123def0"),
])
def test_youtube_and_vimeo_addresses_become_the_privacy_enhanced_players(url: str, embed: str, watch: str) -> None:
    assert where(url)[1:] == (embed, watch)


@pytest.mark.parametrize("url", ["https://example.org/watch?v=a1B_c3D4e-F", "javascript:alert(1)",
                                 "https://www.youtube.com/watch?v=short", "https://vimeo.com/channels/staff",
                                 "https://youtu.be/a1B_c3D4e-F\"onload=x"])
def test_other_addresses_are_not_videos(url: str) -> None:
    assert where(url) is None


def test_durations_are_said_in_words() -> None:
    assert [duration_words(d) for d in ("2:30", "1:00:05", "0:01", "about 3 minutes")] == [
        "2 minutes 30 seconds", "1 hour 5 seconds", "1 second", "about 3 minutes"]


def test_the_placeholder_loads_nothing_and_links_to_the_video_and_its_transcript() -> None:
    html, problems = convert('Intro.\n\n!!! video "Using the NHS App"\n    url: https://youtu.be/a1B_c3D4e_F\n'
                             "    duration: 2:30\n    transcript: transcript.md\n")
    assert problems == []
    assert "<iframe" not in html and "<img" not in html  # nothing fetched from YouTube until asked
    assert 'data-ics-video="https://www.youtube-nocookie.com/embed/a1B_c3D4e_F?autoplay=1"' in html
    assert "<strong>Using the NHS App</strong> (video, 2 minutes 30 seconds)" in html
    assert '<a href="https://www.youtube.com/watch?v=a1B_c3D4e_F">Watch \'Using the NHS App\' on YouTube</a>' in html
    assert '<a href="../leeds/transcript/">Read the transcript of \'Using the NHS App\'</a>' in html
    assert '<div class="ics-video__screen" hidden>' in html  # shown by the script: no empty box without it


def test_mistakes_are_errors_at_their_lines() -> None:
    source = ("Intro.\n\n"
              '!!! video "Fine"\n    url: https://youtu.be/a1B_c3D4e_F\n    duration: 1:00\n'
              "    transcript: missing.md\n\n"  # line 10
              "!!! video\n    url: https://example.org/film\n    colour: red\n")  # lines 12-14
    _, problems = convert(source)
    assert sorted(problems) == sorted([
        (10, "link to 'missing.md': no page 'missing.md' (from content/)", ""),
        (12, "the video component needs a title in quotes",
         'the title says what the video is about, for people who cannot see it: !!! video "Title"'),
        (13, "the video component needs its 'duration' (for example 2:30)",
         "readers decide whether to watch from how long it is"),
        (13, "'https://example.org/film' is not the address of a YouTube or Vimeo video",
         "copy the address from the video's page, e.g. https://www.youtube.com/watch?v=..."),
        (14, "'colour' is not a setting of the video component",
         "write each line as 'key: value' with key url, duration or transcript"),
    ])
