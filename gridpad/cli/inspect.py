"""``gridpad inspect``: record an inspection from the command line, with the runner's rules (issue 11).

``gridpad inspect BUILDING_ID --template CODE --outcome entered --answers FILE.json
[--photo ITEM=FILE]… [--fixed ITEM=AFTER_PHOTO]… [--draft]`` prints the inspection id and the
failures found (the hazards to be raised); ``gridpad inspect --finish ID [--answers FILE.json]``
submits a draft. A refused submit names each item and rule on one line, keeps the draft and exits
non-zero.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from gridpad import config
from gridpad.app import inspections
from gridpad.app.inspections import InspectionError, SubmitRefusedError, Submitted
from gridpad.cli import CommandError
from gridpad.store.db import Store, open_store


def _answers(path: str | None) -> dict[str, object] | None:
    if path is None:
        return None
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise CommandError(f"--answers: {source}: no such file") from None
    except IsADirectoryError:
        raise CommandError(f"--answers: {source}: is a folder, not a JSON file") from None
    except UnicodeDecodeError:
        raise CommandError(f"--answers: {source}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise CommandError(f"--answers: {source}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise CommandError(f"--answers: {source}: must be a JSON object of item ids to answers "
                           '(e.g. {"FS-02": "no", "FS-01": 0})')
    return data


def _pairs(option: str, values: list[str]) -> list[tuple[str, Path]]:
    out = []
    for value in values:
        item, sep, file = value.partition("=")
        if not sep or not item.strip() or not file:
            raise CommandError(f"{option}: write ITEM=FILE (e.g. FS-02=photo.jpg), got {value[:80]!r}")
        out.append((item.strip(), Path(file)))
    return out


def _print(result: Submitted, template: str) -> None:
    print(f"inspection {result.inspection_id} submitted ({template}, outcome {result.outcome})")
    if result.inspected_on is None:
        print("a visit, not an inspection: the building's due date stays as it was")
        return
    for f in result.failures:
        level = f.level.value if f.level is not None else "-"
        print(f"{f.kind.value}\t{f.item_id}\t{level}\t{f.department}\t{f.category}\t"
              f"photos {len(f.photos)}" + (f"\tfixed {f.after_photo[:12]}" if f.after_photo else ""))
    print(f"{len(result.hazards)} hazard(s) to be raised; inspected on {result.inspected_on}")


def _submit(store: Store, iid: str, draft: bool) -> int:
    pinned = inspections.pinned_template(store, iid)
    template = f"{pinned.code} v{pinned.version}"
    if draft:
        print(f"inspection {iid} saved as a draft ({template}); "
              f"finish it with `gridpad inspect --finish {iid}`")
        return 0
    try:
        result = inspections.submit(store, iid)
    except SubmitRefusedError as exc:
        raise CommandError(f"inspection {iid} not submitted, kept as a draft (add what is missing with "
                           f"`gridpad inspect --finish {iid}`): {exc}") from None
    _print(result, template)
    return 0


def run(args: argparse.Namespace) -> int:
    answers = _answers(args.answers)
    photos, fixes = _pairs("--photo", args.photo), _pairs("--fixed", args.fixed)
    if (args.building is None) == (args.finish is None):
        raise CommandError("name a building to inspect, or --finish ID to submit a draft (not both)")
    with open_store(config.db_path(config.data_dir(args.data_dir))) as store:
        try:
            if args.finish is not None:
                iid = args.finish
                inspections.add_to_draft(store, iid, answers, photos=photos, fixes=fixes,
                                         outcome=args.outcome)
            else:
                if not args.template:
                    raise CommandError("--template: which checklist (e.g. RENTAL_FIRE)?")
                if not args.outcome:
                    raise CommandError("--outcome: entered, nobody_home, refused or vacant?")
                iid = inspections.record(store, args.building, args.template, outcome=args.outcome,
                                         answers=answers, photos=photos, fixes=fixes)
            return _submit(store, iid, args.draft)
        except SubmitRefusedError as exc:
            raise CommandError(str(exc)) from None
        except InspectionError as exc:
            raise CommandError(str(exc)) from None
