// Builds a single executable for till PCs with Node's single executable applications (SEA):
// bundle the agent into one CommonJS file, turn it into a SEA blob, and inject the blob into a
// copy of the Node binary. Run on the target OS (a Windows build needs a Windows Node):
//   npm run build && npm run build:sea -w agents
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'sea');
mkdirSync(out, { recursive: true });
const bundle = join(out, 'storepulse-agent.cjs');

// Optional native helpers that libraries try to load inside a try; a SEA can only load built-ins,
// so they become empty modules and the libraries take their pure-JS paths.
const OPTIONAL = new Set(['bufferutil', 'utf-8-validate', 'supports-color']);
const optionalAsEmpty = {
  name: 'optional-as-empty',
  resolveId: (id) => (OPTIONAL.has(id) ? `\0empty:${id}` : null),
  load: (id) => (id.startsWith('\0empty:') ? 'throw new Error("not bundled");' : null),
};

await build({
  input: join(root, 'dist', 'bin', 'storepulse-agent.js'),
  platform: 'node',
  logLevel: 'warn',
  plugins: [optionalAsEmpty],
  output: { file: bundle, format: 'cjs', codeSplitting: false },
});

const seaConfig = join(out, 'sea-config.json');
const blob = join(out, 'sea-prep.blob');
writeFileSync(seaConfig, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }));
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });

const exe = join(out, process.platform === 'win32' ? 'storepulse-agent.exe' : 'storepulse-agent');
copyFileSync(process.execPath, exe);
// On Windows, remove the signature of the copied node.exe first (signtool remove /s) if it has one.
const postject = join(root, '..', 'node_modules', 'postject', 'dist', 'cli.js');
const args = [postject, exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'];
if (process.platform === 'darwin') args.push('--macho-segment-name', 'NODE_SEA');
execFileSync(process.execPath, args, { stdio: 'inherit' });
console.log(`single-file agent: ${exe}`);
