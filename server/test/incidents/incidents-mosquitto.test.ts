import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../test-support/mosquitto.js';
import { startHarness, type Harness } from '../support/harness.js';
import { expectHandComputed, OUTAGE_YAML, runFullOutage, watchLive, type LiveLog, type OutageRun } from './outage.js';

describe('incidents end to end on a real Mosquitto', () => {
  let broker: MosquittoHandle;
  let h: Harness;
  let live: LiveLog;
  let run: OutageRun;

  beforeAll(async () => {
    broker = await startMosquitto();
    h = await startHarness({ yaml: OUTAGE_YAML, env: { MQTT_URL: broker.url, MQTT_CLIENT_ID: 'storepulse-incidents-test' } });
    live = await watchLive(h.server.url, await h.issue('hq-viewer'));
    run = await runFullOutage(broker.url, {}, live);
  }, 30_000);
  afterAll(async () => {
    live?.socket.close();
    await h?.close();
    await broker?.stop();
  });

  it('opens a store_down incident from the fault and closes it with the hand-computed lost revenue', async () => {
    expect(run.opened).toMatchObject({ storeId: 'S001', kind: 'store_down', status: 'open' });
    expect(Math.abs(Date.parse(run.opened.startedAt) - run.faultAt)).toBeLessThan(500);
    expectHandComputed(run.closed);
    const list = (await (await h.api('/api/incidents?storeId=S001')).json()) as { id: string; lostRevenue: { gross: number } }[];
    expect(list).toEqual([expect.objectContaining({ id: run.opened.id, lostRevenue: expect.objectContaining({ gross: run.closed.lostRevenue.gross }) })]);
  });
});
