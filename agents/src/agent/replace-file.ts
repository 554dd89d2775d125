import { open, rename } from 'node:fs/promises';

/**
 * Replaces `file` with `text` so that a power cut leaves the old content or the new, never an empty or torn file:
 * written beside it, flushed to disk, then renamed over it.
 */
export async function replaceFile(file: string, text: string): Promise<void> {
  const tmp = await open(`${file}.tmp`, 'w');
  try {
    await tmp.writeFile(text);
    await tmp.datasync();
  } finally {
    await tmp.close();
  }
  await rename(`${file}.tmp`, file);
}
