#!/bin/bash
# Single-node Ceph radosgw for tests and local development (Debian's ceph 16): one monitor, one in-memory OSD
# (memstore, data gone at stop), one radosgw, every port on 127.0.0.1. No systemd, no cephadm, no mgr.
#
#   scripts/services/rgw.sh start    # idempotent: reuses a healthy running node, else starts a fresh one
#   scripts/services/rgw.sh stop     # stops only the daemons recorded in this node's own pid files
#   scripts/services/rgw.sh status
#
# Environment:
#   SIGNET_RGW_DIR     where the node keeps its config, keyrings, pid files and logs (default /tmp/signet-rgw)
#   SIGNET_RGW_PORT    radosgw's HTTP port (default 7480)
#   SIGNET_RGW_MON_PORT  the monitor's port (default 3300)
#   SIGNET_RGW_ACCESS_KEY / SIGNET_RGW_SECRET_KEY  the S3 user's keys (default TESTACCESSKEY / TESTSECRETKEY)
#   SIGNET_RGW_MEMSTORE_MIB  the in-memory OSD's capacity (default 2048; allocated as used)
# Prints one line at the end: `READY endpoint=http://127.0.0.1:<port> access_key=<...> secret_key=<...> dir=<...>`.
# Installs radosgw ceph-mon ceph-osd (about 40 s) when absent; needs root for that (CI runs as root).
set -euo pipefail

D=${SIGNET_RGW_DIR:-/tmp/signet-rgw}
PORT=${SIGNET_RGW_PORT:-7480}
MON_PORT=${SIGNET_RGW_MON_PORT:-3300}
ACCESS=${SIGNET_RGW_ACCESS_KEY:-TESTACCESSKEY}
SECRET=${SIGNET_RGW_SECRET_KEY:-TESTSECRETKEY}
MEMSTORE_MIB=${SIGNET_RGW_MEMSTORE_MIB:-2048}
ENDPOINT="http://127.0.0.1:$PORT"

log() { echo "rgw.sh: $*" >&2; }

install_packages() {
  command -v radosgw >/dev/null && command -v ceph-mon >/dev/null && command -v ceph-osd >/dev/null &&
    command -v curl >/dev/null && return 0
  if [ "$(id -u)" != 0 ]; then
    log "radosgw, ceph-mon and ceph-osd are not installed; run as root or: apt-get install radosgw ceph-mon ceph-osd curl"
    exit 1
  fi
  log "installing radosgw ceph-mon ceph-osd curl (Debian packages)..."
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd curl >&2
}

# Kills the daemons this node started (never anything else), waiting until each is gone.
stop_node() {
  [ -d "$D/run" ] || return 0
  local pids=()
  for f in "$D"/run/*.pid; do
    [ -f "$f" ] || continue
    local pid
    pid=$(cat "$f")
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then pids+=("$pid"); fi
    rm -f "$f"
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

running() {
  [ -f "$D/ceph.conf" ] || return 1
  for name in mon.a client.rgw.a; do
    [ -f "$D/run/$name.pid" ] && kill -0 "$(cat "$D/run/$name.pid")" 2>/dev/null || return 1
  done
  grep -q "endpoint=127.0.0.1:$PORT" "$D/ceph.conf" || return 1
  curl -fs "$ENDPOINT/" >/dev/null
}

ready() { echo "READY endpoint=$ENDPOINT access_key=$ACCESS secret_key=$SECRET dir=$D"; }

start_node() {
  install_packages
  if running; then
    ready
    return 0
  fi
  stop_node
  rm -rf "$D"
  mkdir -p "$D"/{mon,osd0,run,log}
  local fsid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  cat >"$D/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$MON_PORT
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
public network = 127.0.0.0/8
cluster network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
mon data avail warn = 1
mon data avail crit = 0
run dir = $D/run
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
log file = $D/log/\$name.log
keyring = $D/\$name.keyring
osd objectstore = memstore
memstore device bytes = $((MEMSTORE_MIB * 1024 * 1024))
osd memory target = 939524096
[mon.a]
mon data = $D/mon
keyring = $D/mon/keyring
[osd.0]
osd data = $D/osd0
keyring = $D/osd0/keyring
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT
# Deleted and overwritten objects (and aborted parts) are freed by garbage collection, two hours later by default:
# a test run would fill the in-memory OSD first, and a full OSD makes every request hang. Collect at once.
rgw gc obj min wait = 0
rgw gc processor period = 5
rgw gc processor max time = 5
CONF
  # Lessons from getting here (shared/research/backend.md §3): mon and osd need their own keyring lines; `ceph-osd
  # --mkfs` needs --no-mon-config; without cluster addr/network the OSD binds 0.0.0.0; no `rgw dns name` (it drops
  # the scheme from Location in CompleteMultipartUpload answers).
  local C="-c $D/ceph.conf"
  ceph-authtool --create-keyring "$D/mon..keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool --create-keyring "$D/client.admin.keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$D/mon..keyring" --import-keyring "$D/client.admin.keyring" >/dev/null
  monmaptool --create --addv a "[v2:127.0.0.1:$MON_PORT]" --fsid "$fsid" "$D/monmap" >/dev/null
  ceph-mon $C --mkfs -i a --monmap "$D/monmap" --keyring "$D/mon..keyring" 2>>"$D/log/setup.log"
  ceph-mon $C -i a
  local osd_uuid osd_id
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  osd_id=$(ceph $C osd new "$osd_uuid")
  ceph-osd $C -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" --mkkey --no-mon-config 2>>"$D/log/setup.log"
  ceph $C auth add "osd.$osd_id" osd 'allow *' mon 'allow profile osd' mgr 'allow profile osd' \
    -i "$D/osd0/keyring" 2>>"$D/log/setup.log"
  ceph-osd $C -i "$osd_id" 2>>"$D/log/setup.log"
  ceph $C auth get-or-create client.rgw.a mon 'allow rw' osd 'allow rwx' >"$D/client.rgw.a.keyring"
  for _ in $(seq 1 60); do ceph $C osd stat 2>/dev/null | grep -q "1 up" && break; sleep 1; done
  radosgw $C -n client.rgw.a
  local up=0
  for _ in $(seq 1 120); do
    if curl -fs "$ENDPOINT/" >/dev/null; then up=1; break; fi
    sleep 1
  done
  if [ "$up" != 1 ]; then
    log "radosgw did not answer on $ENDPOINT; logs in $D/log"
    exit 1
  fi
  radosgw-admin $C user create --uid=signet-test --display-name=signet-test \
    --access-key="$ACCESS" --secret="$SECRET" >/dev/null 2>>"$D/log/setup.log"
  ready
}

case "${1:-start}" in
  start) start_node ;;
  stop) stop_node ;;
  status)
    if running; then ready; else echo "STOPPED dir=$D"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
