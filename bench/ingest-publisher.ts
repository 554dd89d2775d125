/**
 * One publisher process of the ingest benchmark: publishes `rounds` status messages for each till of stores
 * [from, to) at QoS 1, as fast as the broker takes them, then reports how many it published. Like a real fleet,
 * most messages are heartbeats that change nothing; about one in fifty turns a printer fault on or off.
 */
import mqtt from 'mqtt';
import { topics } from '@storepulse/protocol';

const [url, fromArg, toArg, tillsArg, roundsArg] = process.argv.slice(2);
const from = Number(fromArg), to = Number(toArg), tills = Number(tillsArg), rounds = Number(roundsArg);
const WINDOW = 500;
const storeId = (i: number) => `S${String(i).padStart(5, '0')}`;
const printerState = (s: number, t: number, r: number) => ((s * 7 + t * 13 + Math.floor(r / 2) * 31) % 50 === 0 ? 'paper_out' : 'ok');

const client = await mqtt.connectAsync(url!, { clientId: `bench-pub-${process.pid}`, clean: true, reconnectPeriod: 0 });
let published = 0;
let pending: Promise<unknown>[] = [];
for (let r = 1; r <= rounds; r++) {
  const ts = new Date().toISOString();
  for (let s = from; s < to; s++) {
    for (let t = 1; t <= tills; t++) {
      const payload = JSON.stringify({
        v: 1, ts, seq: r,
        components: { pos: { state: 'ok' }, printer: { state: printerState(s, t, r) }, payment: { state: 'ok' }, network: { state: 'ok' } },
      });
      pending.push(client.publishAsync(topics.status(storeId(s), `T${t}`), payload, { qos: 1 }));
      if (pending.length >= WINDOW) {
        await Promise.all(pending);
        published += pending.length;
        pending = [];
      }
    }
  }
}
await Promise.all(pending);
published += pending.length;
await client.endAsync();
process.send?.({ published });
