#!/usr/bin/env bash
# Loads every autogenerate case's SQL on the servers its case.toml names:
#   `before` then `rows` in one session, and `after` on its own, each on a fresh database.
# Also checks that case.toml parses and holds the expected keys.
# Usage: tests/autogen/verify.sh [case-dir ...]     (default: every case)
# Servers: PostgreSQL at $PGHOST (127.0.0.1) as $PGUSER (postgres); MariaDB at $MYSQL_HOST
# (127.0.0.1) as $MYSQL_USER (root); sqlite3 on files under ${TMPDIR:-/tmp}.
# Every database it creates is dropped again, on failure and on interrupt too.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PGHOST=${PGHOST:-127.0.0.1}
PGUSER=${PGUSER:-postgres}
MYSQL_HOST=${MYSQL_HOST:-127.0.0.1}
MYSQL_USER=${MYSQL_USER:-root}
export PGHOST PGUSER PGOPTIONS='-c client_min_messages=warning'
db="ag_verify_$$"
sqlite_file="${TMPDIR:-/tmp}/$db.db"
log="${TMPDIR:-/tmp}/$db.log"

cleanup() {
    dropdb --if-exists "$db" >/dev/null 2>&1
    mariadb -h "$MYSQL_HOST" -u "$MYSQL_USER" -e "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
    rm -f "$sqlite_file" "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# pick CASE DIALECT KIND: the per-dialect file if there is one, else the common one, else nothing
pick() {
    if [ -f "$1/$3.$2.sql" ]; then echo "$1/$3.$2.sql"
    elif [ -f "$1/$3.sql" ]; then echo "$1/$3.sql"
    fi
}

# load DIALECT FILE...: loads the files, in order, in one session on a fresh database
load() {
    local dialect=$1 rc=0
    shift
    case $dialect in
    postgres)
        dropdb --if-exists "$db" >/dev/null 2>&1
        createdb "$db" || return 1
        cat "$@" | psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f - >"$log" 2>&1 || rc=$?
        dropdb --if-exists "$db" ;;
    mysql)
        mariadb -h "$MYSQL_HOST" -u "$MYSQL_USER" -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db" || return 1
        cat "$@" | mariadb -h "$MYSQL_HOST" -u "$MYSQL_USER" "$db" >"$log" 2>&1 || rc=$?
        mariadb -h "$MYSQL_HOST" -u "$MYSQL_USER" -e "DROP DATABASE IF EXISTS $db" ;;
    sqlite)
        rm -f "$sqlite_file"
        { echo "PRAGMA foreign_keys=ON;"; cat "$@"; } | sqlite3 -bail "$sqlite_file" >"$log" 2>&1 || rc=$?
        # the FK pragma checks nothing on CREATE; check what was loaded
        if [ $rc -eq 0 ] && [ -n "$(sqlite3 "$sqlite_file" 'PRAGMA foreign_key_check;')" ]; then
            echo "foreign_key_check failed" >>"$log"; rc=1
        fi
        rm -f "$sqlite_file" ;;
    *) echo "unknown dialect $dialect" >"$log"; rc=1 ;;
    esac
    if [ $rc -ne 0 ]; then sed 's/^/      /' "$log"; fi
    return $rc
}

if [ $# -gt 0 ]; then cases=("$@"); else cases=("$here"/[0-9][0-9]_*); fi
failures=0
loads=0
declare -A per_dialect=()
for dir in "${cases[@]}"; do
    dir=${dir%/}
    name=$(basename "$dir")
    meta=$(python3 - "$dir/case.toml" <<'PY'
import sys, tomllib
path = sys.argv[1]
with open(path, "rb") as f:
    t = tomllib.load(f)
problems = []
known = {"postgres", "mysql", "sqlite"}
for k, ty in [("description", str), ("dialects", list), ("renames", list), ("allow_destructive", bool),
              ("keep", list), ("error", str), ("alembic", str)]:
    if not isinstance(t.get(k), ty):
        problems.append("key %s missing or not a %s" % (k, ty.__name__))
ds = t.get("dialects", [])
if not ds or set(ds) - known:
    problems.append("dialects must be a non-empty subset of %s" % sorted(known))
by = t.get("expect_by_dialect", {})
if set(by) - set(ds):
    problems.append("expect_by_dialect names a dialect the case does not run on")
for d in ds:
    if "expect" not in t and d not in by:
        problems.append("no expect for %s" % d)
for k in set(t) - {"description", "dialects", "expect", "expect_by_dialect", "renames", "allow_destructive", "keep", "error", "alembic"}:
    problems.append("unknown key %s" % k)
for p in problems:
    print("PROBLEM " + p)
print("DIALECTS " + " ".join(ds))
PY
) || { echo "FAIL $name: case.toml does not parse"; failures=$((failures + 1)); continue; }
    if grep -q '^PROBLEM' <<<"$meta"; then
        grep '^PROBLEM' <<<"$meta" | sed "s/^PROBLEM/FAIL $name:/"
        failures=$((failures + 1))
    fi
    dialects=$(sed -n 's/^DIALECTS //p' <<<"$meta")
    for d in $dialects; do
        per_dialect[$d]=$(( ${per_dialect[$d]:-0} + 1 ))
        before=$(pick "$dir" "$d" before)
        after=$(pick "$dir" "$d" after)
        rows=$(pick "$dir" "$d" rows)
        if [ -z "$before" ] || [ -z "$after" ]; then
            echo "FAIL $name [$d]: before or after file missing"; failures=$((failures + 1)); continue
        fi
        loads=$((loads + 2))
        if ! load "$d" "$before" ${rows:+"$rows"}; then
            echo "FAIL $name [$d]: $(basename "$before")${rows:+ + $(basename "$rows")}"; failures=$((failures + 1))
        fi
        if ! load "$d" "$after"; then
            echo "FAIL $name [$d]: $(basename "$after")"; failures=$((failures + 1))
        fi
    done
done
echo "cases per dialect: postgres ${per_dialect[postgres]:-0}, mysql ${per_dialect[mysql]:-0}, sqlite ${per_dialect[sqlite]:-0}; $loads loads; $failures failure(s)"
[ $failures -eq 0 ]
