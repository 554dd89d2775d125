import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
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

/** Pids (other than ours) that hold `device` open, from /proc on Linux; an empty list elsewhere. */
export async function deviceHolders(device: string): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const holders: number[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (target === device) {
        holders.push(Number(pid));
        break;
      }
    }
  }
  return holders;
}
