#!/usr/bin/env bash
# Shared by run.sh and test.sh: makes sure this machine can run the suite, installing what is missing.
# A container engine that answers is enough (the AppHost then runs Postgres and RabbitMQ as containers);
# otherwise the Debian/Ubuntu packages postgresql and rabbitmq-server are installed when absent.

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

container_engine_answers() {
  local runtime="${ASPIRE_CONTAINER_RUNTIME:-docker}"
  command -v "$runtime" >/dev/null 2>&1 && timeout 5 "$runtime" info >/dev/null 2>&1
}

postgres_installed() {
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null 2>&1
}

rabbitmq_installed() {
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || command -v rabbitmq-server >/dev/null 2>&1
}

# Test-only: the ACME connector's tests issue through the real pebble test CA (pebble-challtestsrv serves their DNS,
# and their dns-01 hook scripts call it with curl), the ACME server's validator tests answer http-01, dns-01 and
# tls-alpn-01 from pebble-challtestsrv, and the lego tests (the ACME server alone, and the whole suite through the gateway)
# drive the real lego client, whatever runs Postgres and RabbitMQ.
ensure_test_prerequisites() {
  local packages=()
  { [ -x /usr/bin/pebble ] && [ -x /usr/bin/pebble-challtestsrv ]; } || packages+=(pebble)
  command -v lego >/dev/null 2>&1 || packages+=(lego)
  command -v curl >/dev/null 2>&1 || packages+=(curl)
  if [ "${#packages[@]}" -eq 0 ]; then
    return
  fi

  if ! command -v apt-get >/dev/null 2>&1; then
    echo "certctl: missing ${packages[*]} (the ACME tests need them); install them with your package manager." >&2
    exit 1
  fi

  echo "certctl: installing ${packages[*]} for the tests…"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  echo "certctl: installed ${packages[*]}."
}

ensure_prerequisites() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "certctl: the .NET 10 SDK is missing (dotnet is not on PATH). Install it: https://dot.net" >&2
    exit 1
  fi

  local mode="${CERTCTL_INFRASTRUCTURE:-auto}"
  if [ "$mode" = "containers" ] || { [ "$mode" = "auto" ] && container_engine_answers; }; then
    echo "certctl: a container engine answers; Postgres and RabbitMQ will run as containers."
    return
  fi

  local packages=()
  postgres_installed || packages+=(postgresql)
  rabbitmq_installed || packages+=(rabbitmq-server)
  command -v openssl >/dev/null 2>&1 || packages+=(openssl)   # the CRL and OCSP tests check answers with the real openssl
  if [ "${#packages[@]}" -eq 0 ]; then
    return
  fi

  if ! command -v apt-get >/dev/null 2>&1; then
    echo "certctl: missing ${packages[*]}; install them with your package manager (or start a container engine)." >&2
    exit 1
  fi

  echo "certctl: installing ${packages[*]} (no container engine answered)…"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # The packages' own system services are not used: the suite runs private instances on its own ports.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  echo "certctl: installed ${packages[*]}."
}
