import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRunning } from '../src/agent/probes/processes.js';

/**
 * The Windows branch of the POS process check, run here against a stand-in `tasklist` on PATH that prints what
 * Windows' tasklist prints for `/FI "IMAGENAME eq …" /FO CSV /NH` (a CSV row per match, or an INFO line). It proves
 * the arguments and the parsing; it cannot prove Windows itself.
 */
describe('POS process check on Windows (tasklist)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-tasklist-'));
  const argsFile = join(dir, 'args');
  const path = process.env.PATH;

  beforeAll(() => {
    writeFileSync(
      join(dir, 'tasklist'),
      `#!/bin/sh
printf '%s\\n' "$@" > "${argsFile}"
case "$2" in
  "IMAGENAME eq pos.exe") printf '"pos.exe","4312","Console","1","84,512 K"\\r\\n' ;;
  "IMAGENAME eq POSMAIN.EXE") printf '"POSMain.exe","5120","Console","1","120,004 K"\\r\\n' ;;
  *) printf 'INFO: No tasks are running which match the specified criteria.\\r\\n' ;;
esac
`,
    );
    chmodSync(join(dir, 'tasklist'), 0o755);
    process.env.PATH = `${dir}:${path}`;
  });
  afterAll(() => {
    process.env.PATH = path;
  });

  it('asks tasklist for the image name as CSV without headers', async () => {
    expect(await processRunning('pos.exe', 'win32')).toBe(true);
    expect(readFileSync(argsFile, 'utf8').trim().split('\n')).toEqual(['/FI', 'IMAGENAME eq pos.exe', '/FO', 'CSV', '/NH']);
  });

  it('matches names whatever their case, as Windows does', async () => {
    expect(await processRunning('POSMAIN.EXE', 'win32')).toBe(true);
  });

  it('says not running when tasklist finds nothing', async () => {
    expect(await processRunning('other.exe', 'win32')).toBe(false);
  });
});
