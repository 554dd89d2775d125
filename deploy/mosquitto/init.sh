#!/bin/sh
# Sets the server's user in the password file and seeds the ACL from its base on first start,
# then runs Mosquitto. Agent users are added later by storepulse-credentials.
set -eu
AUTH=/mosquitto/auth
: "${MQTT_SERVER_PASSWORD:?MQTT_SERVER_PASSWORD must be set in .env}"
mkdir -p "$AUTH"
touch "$AUTH/passwd"
# Set on every start, so a new password in .env takes effect with a restart.
mosquitto_passwd -b "$AUTH/passwd" storepulse-server "$MQTT_SERVER_PASSWORD"
if [ -n "${MQTT_SIMULATOR_PASSWORD:-}" ]; then
  mosquitto_passwd -b "$AUTH/passwd" storepulse-simulator "$MQTT_SIMULATOR_PASSWORD"
elif grep -q '^storepulse-simulator:' "$AUTH/passwd"; then
  mosquitto_passwd -D "$AUTH/passwd" storepulse-simulator
fi
[ -s "$AUTH/acl" ] || cp /mosquitto/config/acl.base "$AUTH/acl"
# The server container (uid 1000) appends agent users; Mosquitto only reads.
chown -R 1000:1883 "$AUTH"
# setgid: files the server rewrites stay in the broker's group.
chmod 2770 "$AUTH"
chmod 0640 "$AUTH/passwd" "$AUTH/acl"
chown -R mosquitto:mosquitto /mosquitto/data
exec mosquitto -c /mosquitto/config/mosquitto.conf
