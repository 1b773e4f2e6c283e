"""Fictional demo data (domain.md §6, §8): a made-up 长安镇 with plain-dict records for the synced tables.

No Qt, no SQL: :func:`gridpad.demo.generator.generate` returns records; ``gridpad.transfer.seed``
writes them into a store and ``gridpad demo`` gives a local server the same grids.

* :mod:`~gridpad.demo.records` — the generated grid (:class:`DemoGrid`, records by table)
* :mod:`~gridpad.demo.grids` — the twelve demo grids and how many a population fills
* :mod:`~gridpad.demo.ids` — seeded UUIDv7 ids, so a seed gives the same ids
* :mod:`~gridpad.demo.generator` — ``generate(persons, seed)``
* :mod:`~gridpad.demo.grid_filler` — one grid's buildings, rooms and organisations
* :mod:`~gridpad.demo.households` — who lives in a room, where they work, their tenancies
* :mod:`~gridpad.demo.people` — names, ID numbers, phones and origins that agree
* :mod:`~gridpad.demo.reference_data` — the fixed tables behind it (places, names, origins, employers)
"""
