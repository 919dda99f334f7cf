#!/usr/bin/env bash
# scripts/static-id.sh — the build id of a static/ tree: 16 hex digits of a SHA-256 over every
# file's path and content, so it changes whenever any file (a CSS file, an imported ES module)
# is added, removed, renamed or edited.  Pages name their assets /static/<id>/…, which nginx
# serves from the same tree as immutable: a new id after an upgrade means new URLs everywhere.
# Usage: scripts/static-id.sh [DIR]   (default: static/ next to this script)
set -euo pipefail
dir=${1:-$(dirname "$0")/../static}
cd "$dir"
find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
