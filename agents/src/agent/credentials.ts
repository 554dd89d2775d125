import { readFile, stat } from 'node:fs/promises';

/**
 * Reads a secret file, and says whether others than its owner may read it. An empty one is refused: an empty push
 * token would let anyone on the store's network push counts, and an empty password is never the one meant.
 */
export async function readSecretFile(path: string): Promise<{ secret: string; exposed: string | null }> {
  const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
  const secret = text.trim();
  if (secret === '') throw new Error(`${path} is empty: write the secret in it`);
  // Windows has no POSIX mode bits; its ACLs are the installer's job (see the README).
  const loose = process.platform !== 'win32' && (info.mode & 0o077) !== 0;
  return {
    secret,
    exposed: loose ? `${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it` : null,
  };
}
