#!/usr/bin/env bash
# The project's local S3 endpoint for its S3 tests (test/helpers/s3-server.ts starts it):
# single-node Ceph Pacific (Debian 12 packages)
# = 1 mon + 1 memstore OSD (data in RAM, pool size 1) + radosgw (beast) on 127.0.0.1, auth none
# inside the cluster, S3 SigV4 auth with a fixed key pair. No mgr (not needed by rgw).
#
# Prereq (.ci/run installs them):  apt-get install -y --no-install-recommends \
#                                     ceph-mon ceph-osd radosgw ceph-common curl
# This script installs nothing: a missing binary is exit 3 (the tests skip on it outside CI).
# Usage:  bash scripts/s3/start.sh PORT DIR  -> daemons run in background; prints S3_* lines on stdout
#   ports used: S3 = PORT, mon = PORT+1, OSD = PORT+2 .. PORT+11 (all on 127.0.0.1);
#   a port in use is exit 4 (the caller tries another PORT)
#   stop:   bash scripts/s3/stop.sh DIR   (kills only the PIDs recorded in DIR/run/*.pid)
# Env: S3_ACCESS_KEY / S3_SECRET_KEY (default tusaccesskey / tussecretkey),
#      MEMSTORE_BYTES (OSD capacity, RAM-backed; default 2 GiB), READY_TIMEOUT (default 120 s)
set -euo pipefail
PORT=${1:?usage: start.sh PORT DIR}; DIR=${2:?usage: start.sh PORT DIR}
MON_PORT=$((PORT + 1)); OSD_MIN=$((PORT + 2)); OSD_MAX=$((PORT + 11))
ACCESS=${S3_ACCESS_KEY:-tusaccesskey}; SECRET=${S3_SECRET_KEY:-tussecretkey}
MEMSTORE_BYTES=${MEMSTORE_BYTES:-2147483648}; READY_TIMEOUT=${READY_TIMEOUT:-120}
T0=$(date +%s%N)
PKGS=(ceph-mon ceph-osd radosgw ceph-common curl)
for b in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool curl ss; do
  command -v "$b" >/dev/null || { echo "error: $b is missing; apt-get install -y --no-install-recommends ${PKGS[*]}" >&2; exit 3; }
done
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
for f in "$DIR"/run/*.pid; do
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && { echo "error: cluster in $DIR still running (bash scripts/s3/stop.sh $DIR)" >&2; exit 1; }
done
rm -rf "$DIR"/{mon,osd,run,log,rgw,crash,ceph.conf,monmap}   # memstore is not persistent anyway
mkdir -p "$DIR"/{mon,osd/ceph-0,run,log,rgw,crash}
if ss -Hltn "( sport >= :$PORT and sport <= :$OSD_MAX )" | grep -q .; then
  echo "error: some port in $PORT..$OSD_MAX is already in use" >&2; exit 4
fi
FSID=$(cat /proc/sys/kernel/random/uuid)
CONF="$DIR/ceph.conf"; C=(-c "$CONF")
cat > "$CONF" <<EOF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind msgr2 = true
ms bind port min = $OSD_MIN
ms bind port max = $OSD_MAX
auth cluster required = none
auth service required = none
auth client required = none
# radosgw defaults ms_mon_client_mode to "secure", which is impossible with auth none
ms mon client mode = crc
run dir = $DIR/run
pid file = $DIR/run/\$name.pid
admin socket = $DIR/run/\$name.asok
log file = $DIR/log/\$name.log
mon cluster log file = $DIR/log/\$cluster.\$channel.log
crash dir = $DIR/crash
keyring = $DIR/keyring
client mount timeout = 30
rados mon op timeout = 60
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon data avail warn = 1
mon data avail crit = 0
[mon]
mon data = $DIR/mon/\$cluster-\$id
mon initial members = a
[osd]
osd data = $DIR/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
osd op num shards = 1
osd op num threads per shard = 2
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw data = $DIR/rgw
rgw dns name = localhost
rgw enable usage log = false
EOF
# 1. monitor
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$DIR/monmap" >/dev/null
timeout 60 ceph-mon "${C[@]}" -i a                      # daemonizes
# 2. OSD 0 on memstore
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
timeout 60 ceph "${C[@]}" osd new "$OSD_UUID" >/dev/null
ceph-osd "${C[@]}" -i 0 --mkfs --osd-uuid "$OSD_UUID" >/dev/null 2>&1
timeout 60 ceph-osd "${C[@]}" -i 0 2>/dev/null          # daemonizes
up=0
for _ in $(seq 1 120); do
  if timeout 10 ceph "${C[@]}" osd dump 2>/dev/null | grep -q '^osd.0 up'; then up=1; break; fi; sleep 0.5
done
[ "$up" = 1 ] || { echo "error: osd.0 not up; see $DIR/log/osd.0.log" >&2; exit 1; }
# 3. radosgw + S3 user
timeout "$READY_TIMEOUT" radosgw "${C[@]}" -n client.rgw.a  # daemonizes once connected
deadline=$(( $(date +%s) + READY_TIMEOUT ))
until curl -s -m 2 -o /dev/null "http://127.0.0.1:$PORT/"; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "error: radosgw not up; see $DIR/log/client.rgw.a.log" >&2; exit 1; }
  sleep 0.5
done
timeout 60 radosgw-admin "${C[@]}" user create --uid=tus --display-name=tus \
  --access-key="$ACCESS" --secret-key="$SECRET" >/dev/null
# 4. warm-up: rgw creates its data/index/non-ec pools lazily (~2 s each); do it now via real S3 calls
E="http://127.0.0.1:$PORT"; W="warmup-$RANDOM$RANDOM"
S3=(curl -sf -m 60 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS:$SECRET" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
"${S3[@]}" -o /dev/null -X PUT "$E/$W"
"${S3[@]}" -o /dev/null -X PUT --data-binary x "$E/$W/o"
U=$("${S3[@]}" -X POST "$E/$W/o?uploads=" | sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p')
"${S3[@]}" -o /dev/null -X DELETE "$E/$W/o?uploadId=$U"
"${S3[@]}" -o /dev/null -X DELETE "$E/$W/o"
"${S3[@]}" -o /dev/null -X DELETE "$E/$W"
echo "S3_ENDPOINT=$E"
echo "S3_ACCESS_KEY=$ACCESS"
echo "S3_SECRET_KEY=$SECRET"
echo "S3_REGION=us-east-1"
echo "# ready in $(( ($(date +%s%N) - T0) / 1000000 )) ms; logs in $DIR/log; stop: bash $(cd "$(dirname "$0")" && pwd)/stop.sh $DIR" >&2
