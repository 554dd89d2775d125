/** Store, till and sensor ids: safe in MQTT topics, URLs, file names and InfluxDB tags. */
export const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const ID_REGEX = new RegExp(ID_PATTERN);

/** Largest payload, in bytes, that the server accepts on any topic. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

export const PROTOCOL_VERSION = 1 as const;

export function isValidId(id: string): boolean {
  return ID_REGEX.test(id);
}

/** Shortest and longest footfall or sales bin the server accepts. */
export const MIN_BIN_SECONDS = 10;
export const MAX_BIN_SECONDS = 15 * 60;
