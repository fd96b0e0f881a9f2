#!/usr/bin/env bash
# Stops what scripts/s3/start.sh started in DIR: only the PIDs recorded in DIR/run/*.pid (rgw, osd, mon).
DIR=${1:?usage: stop.sh DIR}
for n in client.rgw.a osd.0 mon.a; do
  f="$DIR/run/$n.pid"; [ -f "$f" ] || continue
  pid=$(cat "$f"); kill "$pid" 2>/dev/null || continue
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
done
exit 0
