/** The `storepulse-credentials` command: HQ issues, rotates, lists and revokes store agents' MQTT users. */
import { parseArgs } from 'node:util';
import { CredentialsError, issueAgentCredentials, listAgents, revokeAgentCredentials, type AuthFiles } from './agent-credentials.js';

export const CREDENTIALS_USAGE = `usage: storepulse-credentials <command> [options]
  add-agent <storeId> [--rotate]   create the store's agent user (or give it a new password) and print it once
  revoke-agent <storeId>           remove the store's agent user and ACL entry
  list-agents                      print the store ids that have agent users
options:
  --password-file <path>   default $MOSQUITTO_PASSWORD_FILE or /mosquitto/auth/passwd
  --acl-file <path>        default $MOSQUITTO_ACL_FILE or /mosquitto/auth/acl
After a change, make Mosquitto reload its files: docker compose kill -s SIGHUP mosquitto`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

/** Runs the command and returns its exit code; never throws on bad input. */
export function runCredentialsCli(argv: string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'password-file': { type: 'string' },
        'acl-file': { type: 'string' },
        rotate: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    io.err((err as Error).message);
    io.err(CREDENTIALS_USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, storeId, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(CREDENTIALS_USAGE);
    return values.help ? 0 : 2;
  }
  const files: AuthFiles = {
    passwordFile: values['password-file'] ?? io.env.MOSQUITTO_PASSWORD_FILE ?? '/mosquitto/auth/passwd',
    aclFile: values['acl-file'] ?? io.env.MOSQUITTO_ACL_FILE ?? '/mosquitto/auth/acl',
  };
  const needsStore = command === 'add-agent' || command === 'revoke-agent';
  if ((needsStore && (!storeId || rest.length > 0)) || (!needsStore && storeId !== undefined)) {
    io.err(CREDENTIALS_USAGE);
    return 2;
  }
  try {
    switch (command) {
      case 'add-agent': {
        const c = issueAgentCredentials(files, storeId!, { rotate: values.rotate });
        io.out(`username=${c.username}`);
        io.out(`password=${c.password}`);
        return 0;
      }
      case 'revoke-agent':
        if (revokeAgentCredentials(files, storeId!)) return 0;
        io.err(`no agent user for store ${storeId}`);
        return 1;
      case 'list-agents':
        for (const id of listAgents(files)) io.out(id);
        return 0;
      default:
        io.err(`unknown command: ${command}`);
        io.err(CREDENTIALS_USAGE);
        return 2;
    }
  } catch (err) {
    if (err instanceof CredentialsError || (err as NodeJS.ErrnoException).code) {
      io.err((err as Error).message);
      return 1;
    }
    throw err;
  }
}
