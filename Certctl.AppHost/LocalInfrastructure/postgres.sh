#!/usr/bin/env bash
# Runs Certctl's private PostgreSQL cluster in the foreground, as an Aspire executable resource.
# First run: initdb into the data folder. Every run: the postgres role's password is set to the
# Aspire parameter's value, so a regenerated parameter never locks the suite out of its own data.
# Inputs (environment): CERTCTL_PG_BIN_DIR, CERTCTL_PG_BASE_DIR, CERTCTL_PG_PORT, CERTCTL_PG_PASSWORD,
# CERTCTL_PG_MAX_CONNECTIONS, CERTCTL_PG_EPHEMERAL (1 = no fsync: test clusters only).
set -euo pipefail

bin="${CERTCTL_PG_BIN_DIR:?}"
base="${CERTCTL_PG_BASE_DIR:?}"
port="${CERTCTL_PG_PORT:?}"
password="${CERTCTL_PG_PASSWORD:?}"
max_connections="${CERTCTL_PG_MAX_CONNECTIONS:-500}"

# postgres refuses to run as root: when the AppHost runs as root, the cluster belongs to the postgres user.
# setpriv execs the program itself (no intermediate process), so signals reach postgres directly.
owner="$(id -un)"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups)
fi

mkdir -p "$base"
if [ "$(id -u)" -eq 0 ]; then chown "$owner" "$base"; fi
chmod 700 "$base"
if ! "${as_owner[@]}" test -w "$base"; then
  echo "certctl: the user '$owner' cannot reach $base (a parent folder is not traversable)." >&2
  echo "certctl: set CERTCTL_LOCAL_DATA_DIR to a folder '$owner' can reach, e.g. /var/tmp/certctl." >&2
  exit 1
fi

data="$base/data"
if [ ! -s "$data/PG_VERSION" ]; then
  echo "certctl: creating a new PostgreSQL cluster in $data"
  pwfile="$(mktemp "$base/.pw.XXXXXX")"
  printf '%s\n' "$password" > "$pwfile"
  if [ "$(id -u)" -eq 0 ]; then chown "$owner" "$pwfile"; fi
  "${as_owner[@]}" "$bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-instructions >/dev/null
  rm -f "$pwfile"
fi

extra=()
if [ "${CERTCTL_PG_EPHEMERAL:-0}" = "1" ]; then
  extra+=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
fi

# The socket lives inside the private folder (0700): only its owner can use the trusted local socket.
"${as_owner[@]}" "$bin/postgres" -D "$data" -p "$port" -h 127.0.0.1 -k "$base" \
  -c max_connections="$max_connections" -c shared_buffers=256MB -c listen_addresses=127.0.0.1 "${extra[@]}" &
pid=$!
# SIGINT is PostgreSQL's fast shutdown: clients are disconnected instead of waited for.
trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT HUP

for _ in $(seq 1 120); do
  if "${as_owner[@]}" "$bin/pg_isready" -q -h "$base" -p "$port"; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; exit $?; fi
  sleep 0.25
done

escaped="${password//\'/\'\'}"
printf "ALTER ROLE postgres PASSWORD '%s';\n" "$escaped" | "${as_owner[@]}" "$bin/psql" -q -h "$base" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null
echo "certctl: PostgreSQL is accepting connections on 127.0.0.1:$port"

# Test fixtures pass their own pid: if that process dies without stopping us, stop anyway (the orchestrator
# has its own monitor, so the AppHost does not need this).
if [ -n "${CERTCTL_PARENT_PID:-}" ]; then
  ( while kill -0 "$CERTCTL_PARENT_PID" 2>/dev/null; do sleep 1; done; kill -INT "$pid" 2>/dev/null ) &
  watchdog_pid=$!
fi

set +e
wait "$pid"
status=$?
# A trapped signal interrupts the first wait; wait again for the shutdown to finish.
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; status=$?; done
if [ -n "${watchdog_pid:-}" ]; then kill "$watchdog_pid" 2>/dev/null && wait "$watchdog_pid" 2>/dev/null; fi
exit "$status"
