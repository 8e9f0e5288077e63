"""A material as a template: every placeholder of the six sample reports belongs to exactly one
named field, in order, with its context (issue 8, item 1)."""

from __future__ import annotations

from gongwen.compose.template import fields_of
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.materials import material_detail

from ..conftest import SEED


def test_every_placeholder_of_the_seed_is_one_place_of_one_named_field(sqlite_lib: Library) -> None:
    assert all(r.ok for r in ingest(sqlite_lib, [SEED]))
    for material_id in range(1, 7):
        detail = material_detail(sqlite_lib, material_id)
        fields = fields_of(detail)
        places = [p for f in fields for p in f.places]
        assert sorted(p.start for p in places) == sorted(p.start for p in detail.placeholders)
        assert len({f.name for f in fields}) == len(fields)  # names are unique
        firsts = [f.places[0].start for f in fields]
        assert firsts == sorted(firsts)  # in the order they first appear
        for f in fields:
            assert f.label and f.kind in (
                "number",
                "percent",
                "money",
                "name",
                "place",
                "date",
                "text",
            )
            for p in f.places:
                assert detail.text[p.start : p.end] == p.text
                assert detail.text[: p.start].endswith(p.before)
                assert detail.text[p.end :].startswith(p.after)
                assert "\n" not in p.before + p.after
        # Somewhere a figure repeated is one field with several places.
    shared = [
        f
        for material_id in range(1, 7)
        for f in fields_of(material_detail(sqlite_lib, material_id))
        if len(f.places) > 1
    ]
    assert shared, "the seed repeats some figures (XX市 …)"
