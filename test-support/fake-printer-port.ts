import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A local printer port for the device-path probe: a pseudo-terminal in raw mode (made by Python's `pty`, which every
 * Debian machine has) whose other end answers DLE EOT n with the given status bytes, like a printer on /dev/usb/lp0.
 * The helper keeps only the master side open, so nothing "holds" the device path.
 */
const HELPER = `
import os, pty, sys, tty, select
master, slave = pty.openpty()
tty.setraw(slave)
path = os.ttyname(slave)
os.close(slave)
answers = {1: int(sys.argv[1], 16), 2: int(sys.argv[2], 16), 4: int(sys.argv[3], 16)}
sys.stdout.write(path + "\\n"); sys.stdout.flush()
pending = b""
while True:
    r, _, _ = select.select([master, sys.stdin], [], [], 0.05)
    if sys.stdin in r and not sys.stdin.readline():
        break
    if master in r:
        try:
            pending += os.read(master, 64)
        except OSError:
            continue
        while len(pending) >= 3:
            if pending[0] == 0x10 and pending[1] == 0x04 and pending[2] in answers:
                os.write(master, bytes([answers[pending[2]]]))
                pending = pending[3:]
            else:
                pending = pending[1:]
`;

export interface FakePrinterPort {
  path: string;
  close(): Promise<void>;
}

export async function startFakePrinterPort(bytes: readonly [number, number, number]): Promise<FakePrinterPort> {
  const child: ChildProcess = spawn('python3', ['-c', HELPER, ...bytes.map((b) => b.toString(16))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const path = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fake printer port exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return {
    path,
    // Ask politely (EOF on stdin), then kill: a hung helper must never hold up a suite's teardown.
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 2000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.stdin!.end();
      }),
  };
}
