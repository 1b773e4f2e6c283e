#!/usr/bin/env bash
# The PouchDB anchor (/work/shared/anchors/pouchdb, or $POUCHDB_ANCHOR) run in a temp copy:
# its run.sh npm-installs the pinned packages, starts express-pouchdb on 127.0.0.1 and runs
# bench.js. RUNS (default 3 here; the anchor's own default is 5) trades precision for time.
# The last line printed is the path of results.json (bench/bench_sync.py parses it).
set -euo pipefail
anchor="${POUCHDB_ANCHOR:-/work/shared/anchors/pouchdb}"
[ -d "$anchor" ] || { echo "no PouchDB anchor at $anchor" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is not installed: cannot run the PouchDB anchor" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/gridpad-pouchdb.XXXXXX")
cp -r "$anchor" "$work/pouchdb"
RUNS="${RUNS:-3}" "$work/pouchdb/run.sh" >&2
echo "$work/pouchdb/results.json"
