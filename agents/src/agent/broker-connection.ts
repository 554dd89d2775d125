import { connect as tcpConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { socketHost } from './probes/tcp.js';

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883 };

/** An MQTT client for the broker URL (see openClient), whose reconnect waits vary at random (see jitterReconnects). */
export function connectBroker(brokerUrl: string, opts: IClientOptions, random: () => number = Math.random): MqttClient {
  const client = openClient(brokerUrl, opts);
  jitterReconnects(client, random);
  return client;
}

/**
 * Makes each wait before a reconnect a random one between half and one and a half `reconnectPeriod`, so the tills a
 * broker restart dropped at once do not all come back in the same instant. MQTT.js reads the period afresh each time
 * the connection closes, in its own 'close' listener: this one, added after it, picks the wait for the next time.
 */
function jitterReconnects(client: MqttClient, random: () => number): void {
  const base = client.options.reconnectPeriod ?? 0;
  if (base <= 0) return;
  const pick = () => { client.options.reconnectPeriod = Math.round(base * (0.5 + random())); };
  pick();
  client.on('close', pick);
}

/**
 * For mqtt:// and mqtts:// the agent hands MQTT.js its own TCP or
 * TLS socket (MQTT.js's documented `MqttClient(streamBuilder, options)`), because `mqtt.connect`
 * loads every transport it has, WebSocket and SOCKS included: 3–4 MB a till never uses.
 * ws://, wss:// and a SOCKS proxy (MQTTJS_SOCKS_PROXY) still go through `mqtt.connect`.
 * TLS verifies the broker against `opts.ca` (or the system CAs), by host name unless the URL
 * gives an IP address.
 */
function openClient(brokerUrl: string, opts: IClientOptions): MqttClient {
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
