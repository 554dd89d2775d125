import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Generates src/lib/paraglide before the tests import it. In a child process: the inlang SDK can keep
 * handles open that would hold up Vitest's exit if it ran in-process.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/compile-messages.js'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  });
}
