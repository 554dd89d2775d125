#!/bin/sh
# Sends the broker SIGHUP whenever its password file or ACL changes, so that an agent added, rotated or revoked with
# storepulse-credentials (from the storepulse container, which cannot signal this one) takes effect within seconds.
# Contents are compared rather than times: a rotation rewrites a file to the same size within the same second.
# Usage: reload-on-change.sh <broker pid> <seconds between looks> <file>...
set -u
pid=$1
every=$2
shift 2
look() { cat "$@" 2>/dev/null | cksum; }
last=$(look "$@")
echo "storepulse: the broker reloads when $* change (looking every ${every}s)" >&2
while kill -0 "$pid" 2>/dev/null; do
  sleep "$every"
  now=$(look "$@")
  if [ "$now" != "$last" ]; then
    last=$now
    echo "storepulse: password file or ACL changed; reloading the broker" >&2
    kill -HUP "$pid" 2>/dev/null || true
  fi
done
