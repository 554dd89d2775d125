import { connect as tcpConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { socketHost } from './probes/tcp.js';

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883 };

/**
 * An MQTT client for the broker URL. For mqtt:// and mqtts:// the agent hands MQTT.js its own TCP or
 * TLS socket (MQTT.js's documented `MqttClient(streamBuilder, options)`), because `mqtt.connect`
 * loads every transport it has, WebSocket and SOCKS included: 3–4 MB a till never uses.
 * ws://, wss:// and a SOCKS proxy (MQTTJS_SOCKS_PROXY) still go through `mqtt.connect`.
 * TLS verifies the broker against `opts.ca` (or the system CAs), by host name unless the URL
 * gives an IP address.
 */
export function connectBroker(brokerUrl: string, opts: IClientOptions): MqttClient {
  const url = new URL(brokerUrl);
  if ((url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') || process.env.MQTTJS_SOCKS_PROXY) return mqtt.connect(brokerUrl, opts);
  const host = socketHost(url);
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol]!;
  const stream = url.protocol === 'mqtt:'
    ? () => tcpConnect({ host, port })
    : () => tlsConnect({ host, port, ...(opts.ca ? { ca: opts.ca } : {}), ...(isIP(host) === 0 ? { servername: host } : {}) });
  const client = new mqtt.MqttClient(stream, opts);
  // As mqtt.connect does: an error with no listener yet must not end the process.
  client.on('error', () => undefined);
  return client;
}

/** The broker URL without any user name or password it may carry, for logs. */
export function brokerForLogs(brokerUrl: string): string {
  const url = new URL(brokerUrl);
  url.username = '';
  url.password = '';
  return url.href;
}
