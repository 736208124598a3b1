"""page_ids, which finds a page's ids quickly, gives the same set as the regex it replaced."""

from __future__ import annotations

import random
import re

from icsgen.render.renderer import page_ids

ID_ATTR = re.compile(r'\sid="([^"]+)"')  # what the build used before page_ids


def test_page_ids_finds_what_the_regex_it_replaced_found() -> None:
    rng = random.Random(3)
    pieces = [" ", "\n", "\t", "\u00a0", "\x1c", "i", "d", "=", '"', "x", "-", "id=", ' id="', 'data-id="', "<h2 ", ">"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 25))) for _ in range(30000)]
    texts += ['xid=" id="b"', ' id=" id="b"', 'id="a"', '\nid="a"', '<p data-id="a" id="b">', 'id=""', ' id="a\nb"']
    for text in texts:
        assert page_ids(text) == frozenset(ID_ATTR.findall(text)), repr(text)
