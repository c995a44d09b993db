#!/bin/sh
# Container entrypoint: one image, the service chosen by the first argument.
#   entrypoint.sh core|email|telegram|webform|sms [node args for the app...]
# Runs dist/apps/<service>/main.js with exec, so the app is PID 1's direct child under `init: true`
# (or PID 1 itself) and receives SIGTERM for a graceful shutdown.
set -eu

cd "$(dirname "$0")/.."

usage() {
  available=$(ls dist/apps 2>/dev/null | tr '\n' ' ')
  echo "usage: entrypoint.sh <service> (built services: ${available:-none})" >&2
  exit 64
}

[ "$#" -ge 1 ] || usage
service=$1
shift

case "$service" in
  core | email | telegram | webform | sms) ;;
  *[!a-z0-9-]* | '' | -*)
    echo "entrypoint: invalid service name '$service'" >&2
    usage
    ;;
esac

main="dist/apps/$service/main.js"
if [ ! -f "$main" ]; then
  echo "entrypoint: no such service '$service' ($main is missing)" >&2
  usage
fi

echo "entrypoint: starting $service (node $(node --version), NODE_ENV=${NODE_ENV:-unset})" >&2
exec node "$main" "$@"
