#!/bin/bash
# Runs once, right after influxdb:2.x's automatic setup (org, bucket, admin token from .env).
# Adds the long-lived rollup bucket and maps both buckets for the v1 API storepulse and Grafana use:
#   db "<bucket>" rp "raw"    -> <bucket>         (30 days, the default policy)
#   db "<bucket>" rp "rollup" -> <bucket>_rollup  (400 days)
set -euo pipefail
db="${DOCKER_INFLUXDB_INIT_BUCKET}"
raw_id="$(influx bucket list --name "$db" --hide-headers | cut -f1)"
rollup_id="$(influx bucket create --name "${db}_rollup" --retention "${INFLUX_ROLLUP_RETENTION:-400d}" --hide-headers | cut -f1)"
influx v1 dbrp create --db "$db" --rp raw --bucket-id "$raw_id" --default
influx v1 dbrp create --db "$db" --rp rollup --bucket-id "$rollup_id"
