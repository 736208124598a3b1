"""The store of converted page bodies: append-only packs, read back across processes, damage-proof."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

from icsgen.cache.files import read_store, write_store
from icsgen.cache.markdown import MarkdownCache
from icsgen.render.renderer import entry_key
from tests.support.sitemaker import BASIC_PAGES, basic_site, clean_build, edit, run, tree_digest, write_site


def key(n: int) -> str:
    return entry_key(f"alpha/p{n}.md", f"alpha/p{n}/", 4, f"source {n}", f"text {n}")


def entry(n: int) -> dict:
    return {"html": f"<p>page number {n} é</p>", "toc": [{"id": "a", "title": "A", "children": []}],
            "refs": [["alpha/x.md", "top", 3]], "links": [["x.md", "alpha/x/", "alpha/x.md"]]}


def packs(folder: Path) -> list[Path]:
    return sorted(folder.glob("pack-*.bin"))


def test_round_trip_in_one_process_and_in_a_fresh_cache(tmp_path: Path) -> None:
    cache = MarkdownCache(tmp_path / "store")
    for n in range(5):
        cache.put(key(n), entry(n))
    assert [cache.get(key(n)) for n in range(5)] == [entry(n) for n in range(5)]
    fresh = MarkdownCache(tmp_path / "store")
    assert [fresh.get(key(n)) for n in range(5)] == [entry(n) for n in range(5)]
    assert fresh.get(key(99)) is None
    assert len(packs(tmp_path / "store")) == 1, "one pack per writing process, not one file per entry"


def test_without_a_folder_entries_stay_in_memory(tmp_path: Path) -> None:
    cache = MarkdownCache()
    cache.put(key(1), entry(1))
    assert cache.get(key(1)) == entry(1)
    assert cache.get(key(2)) is None


def test_a_reader_that_writes_nothing_and_keeps_nothing_in_memory(tmp_path: Path) -> None:
    """`icsgen check` reads a build's entries and writes none; a build keeps none in memory, as it converts each
    page once (kept, they took ~10 KB a page in each worker), yet finds what is on disk."""
    MarkdownCache(tmp_path / "store").put(key(1), entry(1))
    before = packs(tmp_path / "store")
    reader = MarkdownCache(tmp_path / "store", writes=False, remember=False)
    assert reader.get(key(1)) == entry(1)
    reader.put(key(2), entry(2))
    assert reader.get(key(2)) is None
    assert packs(tmp_path / "store") == before and len(before) == 1
    assert reader._memory == {}
    forgetful = MarkdownCache(tmp_path / "store", remember=False)
    forgetful.put(key(3), entry(3))
    assert forgetful._memory == {}
    assert forgetful.get(key(3)) == entry(3) and MarkdownCache(tmp_path / "store").get(key(3)) == entry(3)


def put_range(cache: MarkdownCache, start: int, stop: int) -> None:
    for n in range(start, stop):
        cache.put(key(n), entry(n))


def test_entries_written_by_forked_children_are_found_by_the_parent(tmp_path: Path) -> None:
    cache = MarkdownCache(tmp_path / "store")
    cache.put(key(0), entry(0))  # the parent's pack is open before the fork
    assert cache.get(key(1)) is None  # and its index of the packs is built
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=put_range, args=(cache, start, start + 10)) for start in (1, 11)]
    for child in children:
        child.start()
    for child in children:
        child.join()
        assert child.exitcode == 0
    cache.put(key(21), entry(21))  # the parent still writes to its own pack
    assert [cache.get(key(n)) for n in range(22)] == [entry(n) for n in range(22)]
    assert len(packs(tmp_path / "store")) == 3, "each process writes its own pack"
    fresh = MarkdownCache(tmp_path / "store")
    assert [fresh.get(key(n)) for n in range(22)] == [entry(n) for n in range(22)]


_inherited: MarkdownCache | None = None


def put_inherited(n: int) -> None:
    assert _inherited is not None
    _inherited.put(key(n), entry(n))


def test_a_pool_of_workers_fills_one_pack_each(tmp_path: Path) -> None:
    """As in a build: workers forked from the parent use the cache it made (inherited, not pickled)."""
    global _inherited
    _inherited = MarkdownCache(tmp_path / "store")
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            pool.map(put_inherited, range(40), chunksize=1)
    finally:
        _inherited = None
    assert len(packs(tmp_path / "store")) <= 2
    fresh = MarkdownCache(tmp_path / "store")
    assert all(fresh.get(key(n)) == entry(n) for n in range(40))


def test_a_truncated_pack_loses_only_its_last_record(tmp_path: Path) -> None:
    put_range(MarkdownCache(tmp_path / "store"), 0, 3)
    [pack] = packs(tmp_path / "store")
    pack.write_bytes(pack.read_bytes()[:-7])  # a worker killed in the middle of its last write
    fresh = MarkdownCache(tmp_path / "store")
    assert [fresh.get(key(n)) for n in range(3)] == [entry(0), entry(1), None]
    fresh.put(key(3), entry(3))  # a new pack, never appended after the damaged record
    assert MarkdownCache(tmp_path / "store").get(key(3)) == entry(3)


def test_a_flipped_byte_loses_only_the_damaged_record(tmp_path: Path) -> None:
    put_range(MarkdownCache(tmp_path / "store"), 0, 3)
    put_range(MarkdownCache(tmp_path / "store"), 3, 6)
    first, _ = packs(tmp_path / "store")
    data = bytearray(first.read_bytes())
    data[data.index(b"page number 1")] ^= 0x01  # in a payload
    data[data.index(bytes.fromhex(key(2))) + 3] ^= 0x40  # in a key: the record must not answer for another key
    first.write_bytes(bytes(data))
    fresh = MarkdownCache(tmp_path / "store")
    assert [fresh.get(key(n)) for n in range(6)] == [entry(0), None, None, entry(3), entry(4), entry(5)]


def test_garbage_and_wrongly_shaped_entries_are_misses(tmp_path: Path) -> None:
    store = tmp_path / "store"
    cache = MarkdownCache(store)
    cache.put(key(0), entry(0))
    cache.put(key(1), {"html": 42, "toc": [], "refs": [], "links": []})
    (store / "pack-1-1.bin").write_bytes(b"\0" * 100)
    (store / "pack-2-2.bin").write_bytes(b"ICM1" + b"\xff" * 40)  # a header promising more than is there
    [ours] = [p for p in packs(store) if p.name not in ("pack-1-1.bin", "pack-2-2.bin")]
    with ours.open("ab") as f:
        f.write(b"not a record at all")
    fresh = MarkdownCache(store)
    assert [fresh.get(key(0)), fresh.get(key(1)), fresh.get(key(2))] == [entry(0), None, None]


def test_compact_keeps_live_entries_and_removes_old_packs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    put_range(MarkdownCache(store), 0, 6)
    put_range(MarkdownCache(store), 6, 8)
    (store / "notes.txt").write_text("not a pack")
    (store / "pack-old.json").write_text("{}")
    old = packs(store)
    cache = MarkdownCache(store)
    cache.compact({key(1), key(6), key(50)})  # 8 records, 3 live: compact
    [new] = packs(store)
    assert new not in old
    assert (store / "notes.txt").exists() and (store / "pack-old.json").exists(), "only packs are removed"
    fresh = MarkdownCache(store)
    assert [n for n in range(10) if fresh.get(key(n)) == entry(n)] == [1, 6]
    cache.put(key(9), entry(9))  # still writes, to a new pack of its own
    assert MarkdownCache(store).get(key(9)) == entry(9)
    assert len(packs(store)) == 2


def test_compact_leaves_a_mostly_live_store_alone_but_merges_many_packs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for n in range(17):
        put_range(MarkdownCache(store), n, n + 1)
    before = packs(store)
    MarkdownCache(store).compact({key(n) for n in range(17) if n != 3})  # 17 packs of one record each: merge
    assert len(packs(store)) == 1 and packs(store)[0] not in before
    after = packs(store)
    MarkdownCache(store).compact({key(n) for n in range(17)})  # one pack, every record but one live
    assert packs(store) == after
    fresh = MarkdownCache(store)
    assert [n for n in range(17) if fresh.get(key(n)) is None] == [3]
    MarkdownCache().compact(set())  # nothing on disk: nothing to do


def test_a_pickled_cache_opens_its_own_files(tmp_path: Path) -> None:
    cache = MarkdownCache(tmp_path / "store")
    cache.put(key(0), entry(0))
    copy = pickle.loads(pickle.dumps(cache))
    copy.put(key(1), entry(1))
    assert len(packs(tmp_path / "store")) == 2
    assert MarkdownCache(tmp_path / "store").get(key(1)) == entry(1)


def bigger_site(root: Path) -> Path:
    """The basic site with enough pages to be rendered by worker processes."""
    pages = {f"content/alpha/more/p{n}.md":
             f"---\ntitle: Page {n}\n---\n## Part {n}\n\nSee [about us](../about/index.md).\n" for n in range(70)}
    return write_site(root, {**BASIC_PAGES, **pages})


def test_a_template_edit_reuses_the_packs_and_builds_what_a_clean_build_builds(tmp_path: Path) -> None:
    root = bigger_site(tmp_path / "site")
    first = run(root, "build", "--jobs", "2")
    assert first.exit_code == 0, first.output
    stores = [p for p in (root / ".icsgen-cache/markdown").iterdir() if p.is_dir()]
    assert len(stores) == 1
    written = sorted(p.name for p in stores[0].iterdir())
    packs = [name for name in written if name.startswith("pack-")]
    assert 1 <= len(packs) <= 2 and set(written) - set(packs) <= {"index.bin"}, written
    edit(root, "themes/nhs/templates/page.html",
         lambda t: t.replace("{% block content %}", "{% block content %}<p>T</p>"))
    second = run(root, "build", "--jobs", "2")
    assert second.exit_code == 0, second.output
    assert sorted(p.name for p in stores[0].iterdir()) == written, "every page body came from the packs"
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_damaged_packs_are_ignored_by_a_build(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    kept = list((root / ".icsgen-cache/markdown").rglob("pack-*.bin"))
    assert kept, "converted pages are kept for the next build"
    for path in kept:
        data = bytearray(path.read_bytes())
        for n in range(40, len(data), 97):
            data[n] ^= 0x20
        path.write_bytes(bytes(data[:-5]))
    edit(root, "themes/nhs/templates/page.html",
         lambda t: t.replace("{% block content %}", "{% block content %}<p>T</p>"))
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert tree_digest(root / "build") == clean_build(root, tmp_path)


def test_a_wrong_or_damaged_index_of_the_packs_is_ignored(tmp_path: Path) -> None:
    root = bigger_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    store = next(p for p in (root / ".icsgen-cache/markdown").iterdir() if p.is_dir())
    index = store / "index.bin"
    assert index.is_file()
    data = read_store(index, "index.bin")
    pack = next(iter(data["scanned"]))
    wrong = {"index": {key: (pack, 3, 10, 0) for key in data["index"]}, "scanned": data["scanned"]}
    for damage in (lambda: write_store(index, "index.bin", wrong), lambda: index.write_bytes(b"nonsense"),
                   lambda: write_store(index, "index.bin", {"index": {"ab": 1}, "scanned": []})):
        damage()
        edit(root, "themes/nhs/templates/page.html", lambda t: t + "\n")
        result = run(root, "build")
        assert result.exit_code == 0, result.output
        assert tree_digest(root / "build") == clean_build(root, tmp_path)
