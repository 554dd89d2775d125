#!/bin/bash
# The InfluxDB users of storepulse and Grafana, so that neither needs the all-access admin token. Runs once
# after storepulse-buckets.sh at the container's first setup; run it again by hand to add them to an
# existing InfluxDB, to set new passwords from .env, or to give them a bucket made anew (docs/production.md):
#   docker compose exec influxdb bash /docker-entrypoint-initdb.d/20-storepulse-users.sh
#
# They are users of the v1-compatible API that both clients speak (HTTP Basic auth), because their
# passwords can come from .env: InfluxDB 2.x makes up the value of every API token itself.
#   storepulse  reads and writes the raw and rollup buckets, nothing else
#   grafana     reads them, nothing else
set -euo pipefail
db="${DOCKER_INFLUXDB_INIT_BUCKET:?}"
: "${STOREPULSE_INFLUX_PASSWORD:?set STOREPULSE_INFLUX_PASSWORD in .env}"
: "${GRAFANA_INFLUX_PASSWORD:?set GRAFANA_INFLUX_PASSWORD in .env}"

bucket_id() {
  local id
  id="$(influx bucket list --name "$1" --hide-headers | cut -f1)"
  [ -n "$id" ] || { echo "storepulse-users: no bucket $1" >&2; exit 1; }
  printf '%s' "$id"
}
raw_id="$(bucket_id "$db")"
rollup_id="$(bucket_id "${db}_rollup")"

# Makes the v1 user with the given permissions. One that exists is made anew rather than only given the password:
# its rights name buckets by id, and a bucket deleted and made again has a new one. Its clients get 401 for that
# moment and retry (the server spools its points meanwhile).
v1_user() {
  local username="$1" password="$2" id
  shift 2
  id="$(influx v1 auth list --username "$username" --hide-headers 2>/dev/null | cut -f1 || true)"
  if [ -n "$id" ]; then influx v1 auth delete --id "$id" >/dev/null; fi
  influx v1 auth create --org "${DOCKER_INFLUXDB_INIT_ORG:?}" --username "$username" --password "$password" "$@"
}

v1_user storepulse "$STOREPULSE_INFLUX_PASSWORD" --description "storepulse server" \
  --read-bucket "$raw_id" --write-bucket "$raw_id" --read-bucket "$rollup_id" --write-bucket "$rollup_id"
v1_user grafana "$GRAFANA_INFLUX_PASSWORD" --description "Grafana (read only)" \
  --read-bucket "$raw_id" --read-bucket "$rollup_id"
