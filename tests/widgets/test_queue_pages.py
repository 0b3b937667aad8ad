"""The page cache behind the queue model: LRU bound, generations, skipping unwanted pages."""

from console.storage.queue import QueueRow
from widgets.queue_pages import PAGE_SIZE, PageCache


def rows(page: int, n: int = PAGE_SIZE) -> list[QueueRow]:
    return [QueueRow(page * PAGE_SIZE + i, f"N{i}", "t", 0, "DIS", "DIS01", 1, "", "", "reported", "", 0,
                     "worker_app", False, False, False, False, 1) for i in range(n)]


def test_least_recently_used_pages_are_evicted_first():
    cache = PageCache(max_pages=3)
    for page in range(3):
        cache.put(page, rows(page))
    assert cache.row(5).id == 5  # page 0 is now the most recently used
    cache.put(3, rows(3))
    assert cache.get(1) is None and cache.get(0) is not None
    assert cache.row_count() == 3 * PAGE_SIZE == cache.bound
    assert cache.peek(3 * PAGE_SIZE + 7).id == 3 * PAGE_SIZE + 7


def test_fetches_are_deduplicated_and_forgotten_on_reset():
    cache = PageCache()
    assert cache.begin_fetch(4) and not cache.begin_fetch(4) and cache.fetching()
    generation = cache.generation
    cache.reset({0: rows(0)})
    assert cache.generation == generation + 1 and not cache.fetching()
    assert cache.begin_fetch(4)


def test_pages_far_from_the_screen_or_of_an_old_generation_are_not_wanted():
    cache = PageCache()
    wanted = cache.wanted()
    assert wanted(1000), "without a view every page is wanted"
    cache.set_visible_pages((10, 11))
    assert wanted(9) and wanted(12) and not wanted(8) and not wanted(500)
    cache.reset()
    assert not wanted(10)
    assert cache.wanted()(10)
