#!/usr/bin/env node
import { ConfigError } from '../config/config-error.js';
import { redactUrl } from '../adapters/mqtt/mqtt-ingest-client.js';
import { startServer } from '../server.js';

/** `npm start`: the server alone, configured by the environment (see the README's Configuration section). */
try {
  const server = await startServer({ env: process.env });
  const { log } = server;
  // MQTT_URL may carry the server's broker password.
  const mqtt = redactUrl(server.mqttUrl);
  log.info({ url: server.url, mqtt }, 'storepulse is running');
  if (server.generatedAdminToken) {
    // Printed once, on the first start only; it is stored hashed and cannot be shown again.
    process.stdout.write(`\nFirst start: an hq-admin token was generated. Keep it safe, it will not be shown again:\n\n  ${server.generatedAdminToken}\n\n`);
  }
  process.stdout.write(`storepulse: web and API on ${server.url}  (API docs: ${server.url}/api/docs)\n`);
  process.stdout.write(`storepulse: agents publish to ${mqtt}${server.mqttPortFellBack ? '  (port 1883 was taken; set MQTT_PORT to choose)' : ''}\n`);
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    try {
      await server.close();
    } catch (err) {
      // Not left to the signal handler: an unhandled rejection would end the process with a stack trace instead.
      log.error({ err }, 'shutdown failed');
    }
    process.exit(0);
  };
  // Every delivery is handled: with `once`, a second Ctrl-C during shutdown would kill the process mid-flush.
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`storepulse: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
