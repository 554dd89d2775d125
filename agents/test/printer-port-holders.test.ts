import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printerProbe } from '../src/agent/probes/printer.js';
import { runProbe } from '../src/agent/probes/probe.js';
import { deviceHolders, type ProcFiles } from '../src/agent/probes/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'storepulse-holders-'));
/** The printer port, a plain file here: anything the probe wrote into it stays there to be seen. */
const port = join(dir, 'ttyPRN0');
writeFileSync(port, '');
/** The name a config would give, as /dev/serial/by-id/... is for a real port. */
const byId = join(dir, 'usb-Epson_TM-T20-if00');
symlinkSync(port, byId);

/**
 * A /proc of its own: pid 100 holds the port, 200 holds something else, 300 exited (no fd dir left), and 400 is
 * another user's process, whose fd dir the kernel will not list (tests run as root, where chmod would not stop it).
 */
const root = join(dir, 'proc');
for (const [pid, target] of [['100', port], ['200', '/dev/null']] as const) {
  mkdirSync(join(root, pid, 'fd'), { recursive: true });
  symlinkSync('/dev/null', join(root, pid, 'fd', '0'));
  symlinkSync(target, join(root, pid, 'fd', '3'));
}
mkdirSync(join(root, '300'));
mkdirSync(join(root, '400', 'fd'), { recursive: true });
mkdirSync(join(root, 'self'));
const proc = (hidden: string[]): ProcFiles => ({
  root,
  readlink,
  readdir: async (path) => {
    if (hidden.some((pid) => path === join(root, pid, 'fd'))) throw Object.assign(new Error(`EACCES: permission denied, scandir '${path}'`), { code: 'EACCES' });
    return readdir(path);
  },
});

describe('which processes hold a printer port', () => {
  it('finds the holder of a port configured by a symlinked name, and passes over processes gone meanwhile', async () => {
    expect(await deviceHolders(byId, proc([]))).toEqual({ pids: [100], unreadable: 0, singleOpener: false });
  });

  it('finds the real holder of a symlinked port in the real /proc', async () => {
    const fd = openSync(port, 'r');
    const holder = spawn('sleep', ['30'], { stdio: [fd, 'ignore', 'ignore'] });
    closeSync(fd);
    try {
      await expect.poll(async () => (await deviceHolders(byId)).pids).toContain(holder.pid);
    } finally {
      holder.kill();
    }
  });

  it('says how many processes it could not look into', async () => {
    expect(await deviceHolders(byId, proc(['100', '400']))).toEqual({ pids: [], unreadable: 2, singleOpener: false });
  });

  it('never writes to a port whose holders it cannot see, and says why', async () => {
    const hidden = proc(['100', '400']);
    const result = await runProbe(printerProbe({ device: byId, timeoutMs: 100 }, (device) => deviceHolders(device, hidden)));
    expect(result.state).toBe('unknown');
    expect(result.detail).toBe(`${byId}: not queried, as the agent cannot see whether the POS holds it: it may not read other users' open files (give it CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE, or query the printer over TCP)`);
    expect(readFileSync(port)).toHaveLength(0);
    // The same words every time, so the agent (which logs a component's changes) does not repeat them.
    expect(await runProbe(printerProbe({ device: byId, timeoutMs: 100 }, (device) => deviceHolders(device, hidden)))).toEqual(result);
  });

  it('queries a USB printer port all the same, which the kernel lets one process open: a busy one is the POS printing', async () => {
    const unseen = async () => ({ pids: [], unreadable: 2, singleOpener: true });
    const busy = async () => Promise.reject(Object.assign(new Error('EBUSY: resource busy or locked'), { code: 'EBUSY' }));
    expect(await runProbe(printerProbe({ device: '/dev/usb/lp0', timeoutMs: 100 }, unseen, busy))).toEqual({
      state: 'unknown', detail: '/dev/usb/lp0 is in use by another process; not queried',
    });
    let opened = '';
    const free = async (device: string) => {
      opened = device;
      return Promise.reject(Object.assign(new Error('ENXIO: no such device'), { code: 'ENXIO' }));
    };
    expect(await runProbe(printerProbe({ device: '/dev/usb/lp0', timeoutMs: 100 }, unseen, free))).toMatchObject({ state: 'offline' });
    expect(opened).toBe('/dev/usb/lp0');
  });
});
