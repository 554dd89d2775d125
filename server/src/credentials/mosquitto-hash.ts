/** Mosquitto 2.x password hashes: `$7$<iterations>$<salt>$<hash>`, PBKDF2-SHA512 as mosquitto_passwd writes them. */
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

export function hashMosquittoPassword(password: string, salt: Buffer = randomBytes(SALT_BYTES), iterations = ITERATIONS): string {
  const hash = pbkdf2Sync(password, salt, iterations, HASH_BYTES, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** True when `password` matches a `$7$` hash; false for any other or malformed hash. */
export function verifyMosquittoPassword(password: string, encoded: string): boolean {
  const m = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  if (!m) return false;
  const expected = Buffer.from(m[3]!, 'base64');
  const actual = pbkdf2Sync(password, Buffer.from(m[2]!, 'base64'), Number(m[1]), expected.length, 'sha512');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A random password for an agent: 32 characters, safe in .env files and shell arguments. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}
