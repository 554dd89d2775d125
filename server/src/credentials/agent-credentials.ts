/**
 * Issues and revokes a store agent's MQTT credentials: one user per store in Mosquitto's password file,
 * and an ACL block that lets it publish only under its own store's topics. Files are rewritten in
 * place so they keep the owner, group and mode the broker reads them with.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isValidId, topics } from '@storepulse/protocol';
import { generatePassword, hashMosquittoPassword } from './mosquitto-hash.js';

export interface AuthFiles {
  passwordFile: string;
  aclFile: string;
}

export interface IssuedCredentials {
  username: string;
  /** Shown once to the operator; only its hash is stored. */
  password: string;
  /** True when an existing user got a new password. */
  rotated: boolean;
}

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

export function agentUsername(storeId: string): string {
  return `agent-${storeId}`;
}

function readLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
}

function writeLines(path: string, lines: string[]): void {
  writeFileSync(path, lines.length ? `${lines.join('\n')}\n` : '');
}

function checkStoreId(storeId: string): void {
  if (!isValidId(storeId)) throw new CredentialsError(`not a valid store id: ${JSON.stringify(storeId)}`);
}

/** The ACL block of one store's agent. */
export function agentAclBlock(storeId: string): string[] {
  return [`user ${agentUsername(storeId)}`, `topic write ${topics.storeScope(storeId)}`];
}

/** Sets (adds or replaces) a user's password hash in a Mosquitto password file. */
export function setPassword(passwordFile: string, username: string, password: string): { replaced: boolean } {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(username)) throw new CredentialsError(`not a valid user name: ${JSON.stringify(username)}`);
  if (password.length < 12) throw new CredentialsError('passwords must be at least 12 characters');
  const lines = readLines(passwordFile);
  const entry = `${username}:${hashMosquittoPassword(password)}`;
  const i = lines.findIndex((l) => l.startsWith(`${username}:`));
  if (i === -1) lines.push(entry);
  else lines[i] = entry;
  writeLines(passwordFile, lines);
  return { replaced: i !== -1 };
}

/**
 * Creates the store's agent user with a fresh password and its ACL block. An existing user is refused
 * unless `rotate` is set, in which case only its password changes.
 */
export function issueAgentCredentials(files: AuthFiles, storeId: string, opts: { rotate?: boolean; password?: string } = {}): IssuedCredentials {
  checkStoreId(storeId);
  const username = agentUsername(storeId);
  const exists = readLines(files.passwordFile).some((l) => l.startsWith(`${username}:`));
  if (exists && !opts.rotate) throw new CredentialsError(`${username} already exists; use rotate to give it a new password`);
  const password = opts.password ?? generatePassword();
  setPassword(files.passwordFile, username, password);
  const acl = readLines(files.aclFile);
  if (!acl.includes(`user ${username}`)) writeLines(files.aclFile, [...acl, '', ...agentAclBlock(storeId)]);
  return { username, password, rotated: exists };
}

/** Removes the store's agent user and its ACL block. Returns false when there was nothing to remove. */
export function revokeAgentCredentials(files: AuthFiles, storeId: string): boolean {
  checkStoreId(storeId);
  const username = agentUsername(storeId);
  const users = readLines(files.passwordFile);
  const keptUsers = users.filter((l) => !l.startsWith(`${username}:`));
  const acl = readLines(files.aclFile);
  const start = acl.indexOf(`user ${username}`);
  if (start !== -1) {
    let end = start + 1;
    while (end < acl.length && !acl[end]!.startsWith('user ') && !acl[end]!.startsWith('pattern ')) end++;
    // Drop the blank line that separated the block from the one before.
    const from = start > 0 && acl[start - 1] === '' ? start - 1 : start;
    acl.splice(from, end - from);
    writeLines(files.aclFile, acl);
  }
  if (keptUsers.length !== users.length) writeLines(files.passwordFile, keptUsers);
  return start !== -1 || keptUsers.length !== users.length;
}

/** Store ids that currently have agent credentials. */
export function listAgents(files: AuthFiles): string[] {
  return readLines(files.passwordFile)
    .map((l) => /^agent-([A-Za-z0-9_-]+):/.exec(l)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort();
}
