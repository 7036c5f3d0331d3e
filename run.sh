#!/usr/bin/env bash
# Starts the whole Certctl suite: installs what is missing (unless a container engine answers), builds, and runs
# the AppHost with the dashboard. Ctrl+C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
ensure_prerequisites

echo "certctl: building (Release)…"
dotnet build Certctl.AppHost -c Release -nologo -v quiet -clp:ErrorsOnly
echo "certctl: starting the suite; the dashboard login URL and the gateway URL follow."
exec dotnet run --project Certctl.AppHost -c Release --no-build --launch-profile http
