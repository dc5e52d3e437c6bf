#!/bin/sh
# Build every example image and print "NAME DIGEST", one per line.
# Compare two checkouts (a refactor must not change a digest):
#   scripts/example-digests.sh /path/to/old-checkout > old.txt
#   scripts/example-digests.sh .                     > new.txt && diff old.txt new.txt
# Both runs share one cache (default /tmp/pare-digests-cache) so they read the same mirror state.
set -eu
tree=${1:-.}
out=$(mktemp -d)
cache=${PARE_DIGESTS_CACHE:-/tmp/pare-digests-cache}
here=$(cd "$(dirname "$0")/.." && pwd)
for f in "$here"/examples/*.yaml; do
  n=$(basename "$f" .yaml)
  d=$(node "$tree/bin/pare.js" build "$f" -o "$out/$n" --cache-dir "$cache" 2>"$out/$n.err") || {
    echo "$n: build failed:" >&2
    cat "$out/$n.err" >&2
    exit 1
  }
  echo "$n $d"
done
rm -rf "$out"
