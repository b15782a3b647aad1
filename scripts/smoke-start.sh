#!/usr/bin/env bash
# The README's two commands on a fresh data directory: `npm start` must bring up the demo county.
# Runs in its own process group on a port nothing else holds, and is stopped as a whole.
set -euo pipefail
cd "$(dirname "$0")/.."
port=""
for candidate in $(shuf -i 20000-40000 -n 20); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "no free port"; exit 1; }
data_dir="$(mktemp -d)"
PORT=$port GONGJIN_DATA_DIR="$data_dir" GONGJIN_ADMIN_PASSWORD=ci-admin-pass setsid npm start >"$data_dir/server.log" 2>&1 &
pgid=$!
stop() { kill -TERM -- "-$pgid" 2>/dev/null || true; sleep 1; kill -KILL -- "-$pgid" 2>/dev/null || true; }
trap stop EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 900); do  # first start builds and seeds; a loaded machine is slow
  curl -sf "$base/api/health" >/dev/null && break
  kill -0 "$pgid" 2>/dev/null || { cat "$data_dir/server.log"; echo "server exited"; exit 1; }
  sleep 1
done
curl -sf "$base/api/health" || { cat "$data_dir/server.log"; exit 1; }
echo
# the server we reached is ours: its database lives in our fresh data directory
[ -d "$data_dir/pglite" ] || { echo "database not created in $data_dir"; exit 1; }
curl -sf -c "$data_dir/cookies" -H 'content-type: application/json' -d '{"username":"admin","password":"ci-admin-pass"}' "$base/api/v1/auth/login" >/dev/null
count() { curl -sf -b "$data_dir/cookies" "$base/api/v1/$1?pageSize=1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).total))'; }
schools=$(count schools); teachers=$(count teachers); communities=$(count communities)
echo "demo county: $schools schools, $teachers teachers, $communities communities"
curl -sf "$base/" | grep -q '<div id="root"'
# the demo accounts' password is generated and printed once (never the published demo12345)
demo_pass=$(sed -n 's/.*password of the demo accounts: \([A-Za-z0-9_-]*\).*/\1/p' "$data_dir/server.log" | head -1)
[ -n "$demo_pass" ] || { cat "$data_dir/server.log"; echo "demo password not printed"; exit 1; }
curl -sf -o /dev/null -H 'content-type: application/json' -d "{\"username\":\"bureau\",\"password\":\"$demo_pass\"}" "$base/api/v1/auth/login"
if curl -sf -o /dev/null -H 'content-type: application/json' -d '{"username":"bureau","password":"demo12345"}' "$base/api/v1/auth/login"; then echo "published demo password accepted"; exit 1; fi
[ "$schools" -ge 30 ] && [ "$teachers" -ge 1000 ] && [ "$communities" -ge 10 ] || { echo "demo county too small"; exit 1; }
# ready: database reachable, every migration applied
curl -sf "$base/api/ready" | grep -q '"status":"ready"' || { curl -s "$base/api/ready"; echo "not ready"; exit 1; }
# graceful stop: SIGTERM closes the server and its database cleanly…
kill -TERM -- "-$pgid"
for _ in $(seq 1 60); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 1; done
if kill -0 -- "-$pgid" 2>/dev/null; then cat "$data_dir/server.log"; echo "server did not stop on SIGTERM"; exit 1; fi
grep -q '"msg":"shut down"' "$data_dir/server.log" || { cat "$data_dir/server.log"; echo "no clean shutdown"; exit 1; }
# …and a restart on the same data opens it again with nothing lost
PORT=$port GONGJIN_DATA_DIR="$data_dir" GONGJIN_ADMIN_PASSWORD=ci-admin-pass setsid npm start >"$data_dir/server2.log" 2>&1 &
pgid=$!
for _ in $(seq 1 300); do
  curl -sf "$base/api/ready" >/dev/null && break
  kill -0 "$pgid" 2>/dev/null || { cat "$data_dir/server2.log"; echo "restart exited"; exit 1; }
  sleep 1
done
curl -sf -c "$data_dir/cookies" -H 'content-type: application/json' -d '{"username":"admin","password":"ci-admin-pass"}' "$base/api/v1/auth/login" >/dev/null
[ "$(count schools)" = "$schools" ] && [ "$(count teachers)" = "$teachers" ] || { echo "restart lost data"; exit 1; }
echo "restarted on the same data: $schools schools, $teachers teachers"
