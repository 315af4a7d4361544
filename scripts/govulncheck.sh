#!/usr/bin/env bash
# Runs govulncheck against a vulnerability database built locally.
#
# vuln.go.dev cannot be reached from our CI machines, but the Go module
# proxy serves golang.org/x/vulndb, whose data/osv folder holds every Go
# vulnerability report. We turn that folder into govulncheck's database
# format with the vulndb repository's own tool (cmd/gendb, which reads a git
# repository, hence the throwaway commit) and point govulncheck at it.
# Exit status: govulncheck's (0 clean, 3 vulnerabilities found).
set -euo pipefail
cd "$(dirname "$0")/.."

vulndb_version=v0.0.0-20261105234957-e22db6528018   # the newest the proxy serves here
govulncheck_version=v1.9.0
tools="${BRIEFINGS_TOOLS:-${HOME:-/tmp}/.cache/briefings-ci}"
db="$tools/vulndb-$vulndb_version"

if [ ! -f "$db/index/db.json" ]; then
  src=$(go mod download -json "golang.org/x/vulndb@$vulndb_version" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/repo" "$work/gen"
  cp -r "$src/data" "$work/repo/"
  chmod -R u+w "$work/repo"
  git -C "$work/repo" init -q
  git -C "$work/repo" add data/osv
  git -C "$work/repo" -c user.name=ci -c user.email=ci@localhost commit -qm "osv data from golang.org/x/vulndb@$vulndb_version"
  printf 'module gendb\n\ngo 1.26\n' > "$work/gen/go.mod"
  (cd "$work/gen" && go run "golang.org/x/vulndb/cmd/gendb@$vulndb_version" -repo "$work/repo" -out "$work/db")
  mkdir -p "$tools"
  rm -rf "$db"
  mv "$work/db" "$db"
fi

echo "govulncheck $govulncheck_version, database golang.org/x/vulndb@$vulndb_version, $(go version)"
go run "golang.org/x/vuln/cmd/govulncheck@$govulncheck_version" -db "file://$db" ./...
