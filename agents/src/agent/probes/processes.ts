import { execFile } from 'node:child_process';
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether a process with this executable name runs (case-insensitive; ".exe" optional on Linux). */
export async function processRunning(name: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const want = name.toLowerCase();
  if (platform === 'win32') {
    // tasklist ships with every Windows; CSV output avoids column-width surprises.
    const { stdout } = await run('tasklist', ['/FI', `IMAGENAME eq ${name}`, '/FO', 'CSV', '/NH'], { windowsHide: true, timeout: 5000 });
    return stdout.toLowerCase().includes(`"${want}"`);
  }
  const bare = want.replace(/\.exe$/, '');
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const exe = basename(cmdline.split('\0')[0] ?? '').toLowerCase();
    if (exe === want || exe === bare) return true;
    // comm is the kernel's (15-character) name, for processes whose argv[0] was rewritten.
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim().toLowerCase();
    if (comm !== '' && (comm === want.slice(0, 15) || comm === bare.slice(0, 15))) return true;
  }
  return false;
}

/** What /proc tells of the processes holding a device open. */
export interface DeviceHolders {
  pids: number[];
  /** Processes whose open files could not be read (another user's, to an agent without the rights to look): any of them may hold it. */
  unreadable: number;
  /**
   * The kernel lets one process at a time open the port: Linux's USB printer driver (/dev/usb/lpN) refuses a second
   * opener with EBUSY, so the agent cannot write into a port the POS holds whether or not it can see who does.
   */
  singleOpener: boolean;
}

/** Ports of the Linux USB printer class driver (usblp), which allows a single opener. */
const USB_PRINTER = /^\/dev\/usb\/lp\d+$/;

/** Where deviceHolders reads the processes' open files (tests give a tree of their own). */
export interface ProcFiles {
  root: string;
  readdir(path: string): Promise<string[]>;
  readlink(path: string): Promise<string>;
}

const PROC: ProcFiles = { root: '/proc', readdir, readlink };
/** A process that exits while it is looked at: it holds nothing any more. */
const gone = (err: unknown) => ['ENOENT', 'ESRCH'].includes((err as NodeJS.ErrnoException).code ?? '');

/**
 * Pids (other than ours) that hold `device` open, from /proc on Linux; none elsewhere. The device is compared by its
 * real path, as the kernel names open files, so a symlink such as /dev/serial/by-id/... matches too.
 */
export async function deviceHolders(device: string, proc: ProcFiles = PROC): Promise<DeviceHolders> {
  const found: DeviceHolders = { pids: [], unreadable: 0, singleOpener: false };
  if (process.platform !== 'linux') return found;
  const target = await realpath(device).catch(() => null);
  // No such port (or one this user may not reach): nothing holds it, and opening it says why.
  if (target === null) return found;
  found.singleOpener = USB_PRINTER.test(target);
  for (const pid of await proc.readdir(proc.root)) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const fdDir = `${proc.root}/${pid}/fd`;
    try {
      for (const fd of await proc.readdir(fdDir)) {
        const link = await proc.readlink(`${fdDir}/${fd}`).catch((err: unknown) => (gone(err) ? '' : Promise.reject(err)));
        if (link === target) {
          found.pids.push(Number(pid));
          break;
        }
      }
    } catch (err) {
      if (!gone(err)) found.unreadable++;
    }
  }
  return found;
}
