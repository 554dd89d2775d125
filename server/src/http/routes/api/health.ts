import Type from 'typebox';
import type { App } from '../../types.js';

export interface HealthProbe {
  mqttConnected(): boolean;
}

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  mqtt: Type.Union([Type.Literal('connected'), Type.Literal('disconnected')]),
  uptimeSec: Type.Number(),
});

/** Liveness for load balancers and compose healthchecks; tells nothing about stores. */
export async function healthRoutes(app: App, opts: { probe: HealthProbe }) {
  app.get('/api/health', {
    config: { public: true },
    schema: { tags: ['system'], summary: 'Liveness and broker connection', security: [], response: { 200: Health } },
  }, async () => {
    const mqtt = opts.probe.mqttConnected();
    return { status: mqtt ? 'ok' : 'degraded', mqtt: mqtt ? 'connected' : 'disconnected', uptimeSec: Math.round(process.uptime()) } as const;
  });
}
