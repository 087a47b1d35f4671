"""The way back: places left behind, forward after back, bounded."""

from __future__ import annotations

from tui.backups import BackupQuery
from tui.screens.trail import MAX_PLACES, Place, Trail


def _at(region: str, backup_id: str | None = None) -> Place:
    return Place(BackupQuery(region=region), backup_id, 50)


def test_back_then_forward_then_a_new_place_forgets_forward() -> None:
    trail = Trail()
    assert trail.back(_at("a")) is None
    trail.leave(_at("a", "backup-x"))
    assert trail.back(_at("b")) == _at("a", "backup-x")
    assert trail.forward(_at("a", "backup-y")) == _at("b")
    assert trail.back(_at("b")) == _at("a", "backup-y"), "the cursor it was left with"
    trail.leave(_at("a"))
    assert trail.forward(_at("c")) is None


def test_the_same_listing_left_twice_is_one_place_and_the_trail_is_bounded() -> None:
    trail = Trail()
    trail.leave(_at("a", "backup-x"))
    trail.leave(_at("a", "backup-y"))
    assert trail.back(_at("b")) == _at("a", "backup-y")
    assert trail.back(_at("a")) is None
    for i in range(MAX_PLACES + 20):
        trail.leave(_at(f"r{i}"))
    steps = 0
    while trail.back(_at("z")) is not None:
        steps += 1
    assert steps == MAX_PLACES
