#!/bin/sh
# Sets the server's and the healthcheck's users in the password file and seeds the ACL from its base on first
# start, then runs Mosquitto. Agent users are added later by storepulse-credentials.
set -eu
AUTH=/mosquitto/auth
: "${MQTT_SERVER_PASSWORD:?MQTT_SERVER_PASSWORD must be set in .env}"
: "${MQTT_HEALTH_PASSWORD:?MQTT_HEALTH_PASSWORD must be set in .env}"
# The reload watcher's seconds between looks (below): anything but a whole number would make it spin.
case "${MOSQUITTO_RELOAD_SECONDS:-5}" in
  *[!0-9]*) echo "MOSQUITTO_RELOAD_SECONDS must be a whole number of seconds, not '$MOSQUITTO_RELOAD_SECONDS'" >&2; exit 1 ;;
esac
# Nothing made here is ever readable by others, not even for a moment.
umask 0007
mkdir -p "$AUTH"
touch "$AUTH/passwd"

# Sets (adds or replaces) one user in the password file. mosquitto_passwd hashes into a scratch file of
# root's own: run on the shared file, which belongs to the broker's user, it would warn at every start that
# the owner "is not root". The file is then rewritten in place, so it keeps its inode, owner and mode.
# The password goes in on stdin (printf is a shell builtin), as at its prompt: with -b it would be on a command line.
set_user() {
  scratch="$(mktemp)"
  printf '%s\n%s\n' "$2" "$2" | mosquitto_passwd -c "$scratch" "$1" >/dev/null
  { grep -v "^$1:" "$AUTH/passwd" || true; cat "$scratch"; } > "$scratch.all"
  cat "$scratch.all" > "$AUTH/passwd"
  rm -f "$scratch" "$scratch.all"
}
remove_user() {
  scratch="$(mktemp)"
  { grep -v "^$1:" "$AUTH/passwd" || true; } > "$scratch"
  cat "$scratch" > "$AUTH/passwd"
  rm -f "$scratch"
}

# Set on every start, so a new password in .env takes effect with a restart.
set_user storepulse-server "$MQTT_SERVER_PASSWORD"
set_user storepulse-health "$MQTT_HEALTH_PASSWORD"
if [ -n "${MQTT_SIMULATOR_PASSWORD:-}" ]; then
  set_user storepulse-simulator "$MQTT_SIMULATOR_PASSWORD"
elif grep -q '^storepulse-simulator:' "$AUTH/passwd"; then
  remove_user storepulse-simulator
fi
[ -s "$AUTH/acl" ] || cp /mosquitto/config/acl.base "$AUTH/acl"
# ACLs seeded by earlier releases let the server's user write everywhere: it only reads.
sed -i 's|^topic readwrite storepulse/v1/#$|topic read storepulse/v1/#|' "$AUTH/acl"
# They also let it read the broker's uptime for the healthcheck, which now has a user of its own.
sed -i '/^user storepulse-server$/,/^user /{/^topic read \$SYS\/broker\/uptime$/d;/^#.*healthcheck/d}' "$AUTH/acl"
grep -q '^user storepulse-health$' "$AUTH/acl" || printf '\nuser storepulse-health\ntopic read $SYS/broker/uptime\n' >> "$AUTH/acl"

# Mosquitto (2.0.18 and later) warns, and later versions refuse, unless its password file and ACL belong to
# its own user and group and grant others nothing. The storepulse container adds agent users through this
# volume as `node` (uid 1000) with the broker's group (gid 1883, compose `group_add`), hence group rw.
chown -R mosquitto:mosquitto "$AUTH"
# setgid: anything created in here stays in the broker's group.
chmod 2770 "$AUTH"
chmod 0660 "$AUTH/passwd" "$AUTH/acl"
chown -R mosquitto:mosquitto /mosquitto/data
# The broker keeps this shell's pid once exec'd: it is reloaded when storepulse-credentials changes an agent.
# MOSQUITTO_RELOAD_SECONDS=0 turns that off (then send SIGHUP by hand).
if [ "${MOSQUITTO_RELOAD_SECONDS:-5}" -ne 0 ]; then
  sh /mosquitto/config/reload-on-change.sh "$$" "${MOSQUITTO_RELOAD_SECONDS:-5}" "$AUTH/passwd" "$AUTH/acl" &
fi
exec mosquitto -c /mosquitto/config/mosquitto.conf
