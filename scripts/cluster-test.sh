#!/usr/bin/env bash
# nginx in front of two Gongjin instances on one PostgreSQL database, without Docker: no lost writes
# when an instance is killed, no job run twice, no failed request during a rolling restart.
# Needs `npm run build` first, PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli/index.js ] && [ -f dist/web/index.html ] || { echo "build first (npm run build)"; exit 1; }
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { echo "nginx is not installed (apt-get install nginx)"; exit 1; }
export NGINX_BIN="${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}"
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "no PostgreSQL on 127.0.0.1:5432"; exit 1; }
exec npx tsx scripts/cluster-test.ts "$@"
