#!/usr/bin/env bash
# Runs Certctl's private RabbitMQ node in the foreground, as an Aspire executable resource.
# Own node name, ports, Erlang cookie, epmd, data and log folders: it never meets another broker on the machine.
# Inputs (environment): CERTCTL_RABBITMQ_SERVER, CERTCTL_RABBITMQ_BASE_DIR, CERTCTL_RABBITMQ_NODE,
# CERTCTL_RABBITMQ_PORT, CERTCTL_RABBITMQ_DIST_PORT, CERTCTL_RABBITMQ_EPMD_PORT,
# CERTCTL_RABBITMQ_MANAGEMENT_PORT (empty = no management UI), CERTCTL_RABBITMQ_USER, CERTCTL_RABBITMQ_PASSWORD.
set -euo pipefail

server="${CERTCTL_RABBITMQ_SERVER:?}"
base="${CERTCTL_RABBITMQ_BASE_DIR:?}"
user="${CERTCTL_RABBITMQ_USER:?}"
password="${CERTCTL_RABBITMQ_PASSWORD:?}"
management_port="${CERTCTL_RABBITMQ_MANAGEMENT_PORT:-}"

mkdir -p "$base/mnesia" "$base/log"
# setpriv execs the program itself (no intermediate process), so signals reach the broker's script directly.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  # The broker drops root; its folders must belong to the rabbitmq user (or it dies with eacces on its log).
  chown -R rabbitmq:rabbitmq "$base"
  as_owner=(setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups)
fi
chmod 700 "$base"

export HOME="$base"   # the Erlang cookie lives here, private to this node
export RABBITMQ_NODENAME="${CERTCTL_RABBITMQ_NODE:?}"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="${CERTCTL_RABBITMQ_PORT:?}"
export RABBITMQ_DIST_PORT="${CERTCTL_RABBITMQ_DIST_PORT:?}"
export ERL_EPMD_PORT="${CERTCTL_RABBITMQ_EPMD_PORT:?}"
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_MNESIA_BASE="$base/mnesia"
export RABBITMQ_LOG_BASE="$base/log"
export RABBITMQ_LOGS=-
export RABBITMQ_CONFIG_FILE="$base/rabbitmq"
export RABBITMQ_ADVANCED_CONFIG_FILE="$base/advanced.config"
export RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins"
export RABBITMQ_CONF_ENV_FILE="$base/rabbitmq-env.conf"

{
  echo "listeners.tcp.default = $RABBITMQ_NODE_PORT"
  echo "default_user = $user"
  echo "default_pass = $password"
  echo "default_user_tags.administrator = true"
  echo "loopback_users = none"
  if [ -n "$management_port" ]; then
    echo "management.tcp.port = $management_port"
    echo "management.tcp.ip = 127.0.0.1"
  fi
} > "$base/rabbitmq.conf"
: > "$base/rabbitmq-env.conf"
echo "[]." > "$base/advanced.config"
if [ -n "$management_port" ]; then echo "[rabbitmq_management]." > "$base/enabled_plugins"; else echo "[]." > "$base/enabled_plugins"; fi
if [ "$(id -u)" -eq 0 ]; then chown rabbitmq:rabbitmq "$base"/rabbitmq.conf "$base"/*.config "$base"/enabled_plugins "$base"/rabbitmq-env.conf; fi
chmod 600 "$base/rabbitmq.conf"

# default_user only applies when the node's database is created. When the password parameter changed since,
# start from an empty node: Postgres holds the truth and sweepers re-send lost work, so no state is lost.
password_hash="$(printf '%s' "$password" | sha256sum | cut -c1-64)"
if [ -d "$base/mnesia/$RABBITMQ_NODENAME" ] && [ "$(cat "$base/.password-sha256" 2>/dev/null || true)" != "$password_hash" ]; then
  echo "certctl: the RabbitMQ password changed; recreating the node's data in $base/mnesia"
  rm -rf "${base:?}/mnesia/$RABBITMQ_NODENAME" "${base:?}/mnesia/$RABBITMQ_NODENAME-"*
fi
echo "$password_hash" > "$base/.password-sha256"

# Our own epmd, in the foreground and in our process group: `epmd -daemon` (what erl would start) escapes the
# group and outlives the suite when the orchestrator stops it.
"${as_owner[@]}" epmd -port "$ERL_EPMD_PORT" -address 127.0.0.1 &
epmd_pid=$!
for _ in $(seq 1 50); do epmd -port "$ERL_EPMD_PORT" -names >/dev/null 2>&1 && break; sleep 0.1; done

"${as_owner[@]}" env HOME="$HOME" "$server" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' TERM INT HUP

# Test fixtures pass their own pid: if that process dies without stopping us, stop anyway (the orchestrator
# has its own monitor, so the AppHost does not need this).
if [ -n "${CERTCTL_PARENT_PID:-}" ]; then
  ( while kill -0 "$CERTCTL_PARENT_PID" 2>/dev/null; do sleep 1; done; kill -TERM "$pid" 2>/dev/null ) &
  watchdog_pid=$!
fi

set +e
wait "$pid"
status=$?
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; status=$?; done
kill "$epmd_pid" 2>/dev/null && wait "$epmd_pid" 2>/dev/null
if [ -n "${watchdog_pid:-}" ]; then kill "$watchdog_pid" 2>/dev/null && wait "$watchdog_pid" 2>/dev/null; fi
exit "$status"
