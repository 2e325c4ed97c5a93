import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuthWorld, type AuthWorld } from '../../../test/support/auth-world.ts';
import { testEngine } from '../../platform/testing/test-database.ts';

/** Ingest with real identity: device gateways authenticate with bearer tokens scoped `sensing.ingest`. */
describe(`sensing ingest with real tokens on ${testEngine()}`, () => {
  let world: AuthWorld;
  beforeAll(async () => {
    world = await openAuthWorld({ start: '2026-12-04T02:00:00Z' });
    await world.app.sensing.service.upsertDevices([{ code: 'gw-sd-1', typeCode: 'smoke_detector', name: '网关测试烟感', location: { lng: 120.15, lat: 30.05 } }]);
  });
  afterAll(async () => {
    await world?.close();
  });

  const post = (bearer: string | null) =>
    fetch(`${world.base}/api/v1/sensing/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify([{ deviceId: 'gw-sd-1', measure: 'battery_pct', value: 77, ts: world.clock.now().toISOString() }]),
    });

  it('takes readings from a token with the sensing.ingest scope, refuses other tokens (403) and no token (401)', async () => {
    const gateway = await world.app.identity.api.createToken({ name: 'district gateway', scopes: ['sensing.ingest'] });
    const other = await world.app.identity.api.createToken({ name: 'reader', scopes: ['sensing.read'] });
    const ok = await post(gateway.secret);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ accepted: 1, rejected: 0 });
    const forbidden = await post(other.secret);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: 'FORBIDDEN', details: { permission: 'sensing.ingest' } } });
    expect((await post(null)).status).toBe(401);
    await world.app.identity.service.revokeToken(gateway.token.id, { id: 'test', label: 'test' });
    expect((await post(gateway.secret)).status).toBe(401);
  });

  it('lets a grid worker acknowledge an alarm but not register devices', async () => {
    const worker = world.user('grid_worker');
    await world.app.sensing.service.ingest([{ deviceId: 'gw-sd-1', measure: 'battery_pct', value: 5, at: world.clock.now().toISOString() }]);
    await world.app.sensing.alarms.idle();
    const [alarm] = (await world.app.sensing.service.listAlarms({ deviceId: 'gw-sd-1', type: 'smoke_battery_low' })).items;
    const ack = await world.send('POST', `/api/v1/sensing/alarms/${alarm!.id}/acknowledge`, { user: worker, json: {} });
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ status: 'active_ack', acknowledgedBy: worker.accountId });
    const register = await world.send('POST', '/api/v1/sensing/devices', { user: worker, json: { items: [{ code: 'x-1', typeCode: 'smoke_detector', name: 'x' }] } });
    expect(register.status).toBe(403);
  });
});
