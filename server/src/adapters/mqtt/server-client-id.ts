import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'mqtt-client-id';
const SHAPE = /^storepulse-server-[0-9a-f]{24}$/;

/**
 * The ingest client's MQTT id when MQTT_CLIENT_ID does not set one: made once and kept in the data directory, so the
 * broker's session for the server (clean: false) outlives restarts. Not a fixed name on purpose: on a broker whose
 * accounts cannot be tied to client ids (Mosquitto), any agent that knew the server's id could connect with it, take
 * the session and, with a clean start, throw away its subscription and the messages kept for it.
 */
export function serverClientId(dataDir: string): string {
  const path = join(dataDir, FILE);
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (SHAPE.test(kept)) return kept;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = `storepulse-server-${randomBytes(12).toString('hex')}`;
  // Whole or not at all: a torn file would give the server a new id, and a new empty session, at the next start.
  writeFileSync(`${path}.tmp`, `${id}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  return id;
}
