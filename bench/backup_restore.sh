#!/usr/bin/env bash
# Dump a Hostwerk PostgreSQL database, restore it into a scratch database and compare the row
# count of every table. Exit 0 only when every count matches.
#
#   bench/backup_restore.sh postgres://postgres@127.0.0.1:5432/hostwerk [backup.dump]
#
# Needs pg_dump, pg_restore and psql of the server's major version. The scratch database
# (<name>_restore_check) is dropped again at the end.
set -euo pipefail

source_url="${1:?usage: $0 DATABASE_URL [DUMP_FILE]}"
dump="${2:-$(mktemp --suffix=.dump)}"
base="${source_url%/*}"
name="${source_url##*/}"
scratch="${name}_restore_check"
scratch_url="$base/$scratch"

counts() {
  psql "$1" -At -v ON_ERROR_STOP=1 <<'SQL'
SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I;', table_name, table_schema, table_name)
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name
\gexec
SQL
}

echo "== dumping $name to $dump"
pg_dump --format=custom --no-owner --file="$dump" "$source_url"

echo "== restoring into $scratch"
psql "$base/postgres" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$scratch\"" \
  -c "CREATE DATABASE \"$scratch\""
trap 'psql "$base/postgres" -q -c "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null' EXIT
pg_restore --no-owner --exit-on-error --dbname="$scratch_url" "$dump"

echo "== comparing row counts"
diff <(counts "$source_url") <(counts "$scratch_url") && {
  tables=$(counts "$source_url" | wc -l)
  echo "OK: $tables tables, every row count equal"
}
