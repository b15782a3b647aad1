#!/usr/bin/env bash
# A production install runs without development tools: the built dist/ plus `npm ci --omit=dev`
# (patch-package is a dependency; the web-only patch is a .dev.patch, skipped there). Starts the
# server from dist on an empty embedded database, waits until it is ready, stops it with SIGTERM.
# Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli/index.js ] && [ -f dist/web/index.html ] || { echo "build first (npm run build)"; exit 1; }
dir="$(mktemp -d)"
trap 'kill -TERM "${pid:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
cp -r package.json package-lock.json patches dist "$dir/"
(cd "$dir" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
# nothing of the development toolchain is there
for tool in tsx typescript vite vitest eslint; do
  [ ! -e "$dir/node_modules/$tool" ] || { echo "$tool installed in production"; exit 1; }
done
port=""
for candidate in $(shuf -i 20000-40000 -n 20); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "no free port"; exit 1; }
(cd "$dir" && PORT=$port GONGJIN_DATA_DIR="$dir/data" GONGJIN_DEMO=0 GONGJIN_ADMIN_PASSWORD=prod-admin-pass exec node dist/cli/index.js serve >"$dir/server.log" 2>&1) &
pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/api/ready" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log"; echo "server exited"; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$port/api/ready" | grep -q '"status":"ready"' || { cat "$dir/server.log"; exit 1; }
curl -sf "http://127.0.0.1:$port/" | grep -q '<div id="root"' || { echo "web app not served"; exit 1; }
kill -TERM "$pid"
for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
grep -q '"msg":"shut down"' "$dir/server.log" || { cat "$dir/server.log"; echo "no clean shutdown"; exit 1; }
echo "production install: ready from dist without development tools, stopped cleanly"
