#!/usr/bin/env node
import { runCredentialsCli } from '../credentials/cli.js';

process.exitCode = runCredentialsCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
