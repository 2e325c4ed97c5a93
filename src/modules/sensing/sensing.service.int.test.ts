import mqtt from 'mqtt';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSmallWorld, TEST_ACTOR } from '../../../test/support/small-world.ts';
import type { HttpApp } from '../../platform/http/http-server.ts';
import { testEngine } from '../../platform/testing/test-database.ts';
import { SensingMqtt, READINGS_TOPIC } from './sensing.mqtt.ts';
import { SENSING_EVENTS } from './sensing.events.ts';

type World = Awaited<ReturnType<typeof openSmallWorld>>;

const EAST_GRID_1 = { lng: 120.15, lat: 30.05 };
const WEST = { lng: 120.05, lat: 30.1 };

describe(`sensing on ${testEngine()}`, () => {
  let w: World;
  let http: HttpApp;
  const svc = () => w.app.sensing.service;
  const alarms = () => w.app.sensing.alarms;
  const now = () => w.clock.now().toISOString();
  const post = (payload: unknown, raw?: string) => http.inject({ method: 'POST', url: '/api/v1/sensing/readings', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, payload: raw ?? JSON.stringify(payload) });
  const count = async (table: string, where = '') => Number((await sql.raw<{ n: number | string }>(`select count(*) as n from ${table} ${where}`).execute(w.database.db)).rows[0]!.n);
  const outbox = async (name: string) => (await sql.raw<{ payload: string }>(`select payload from platform_outbox where name = '${name}' order by seq`).execute(w.database.db)).rows.map((r) => JSON.parse(r.payload) as Record<string, unknown>);

  beforeAll(async () => {
    w = await openSmallWorld('2026-12-04T02:00:00Z'); // 10:00 in Beijing
    http = await w.app.http();
    await http.ready();
    await svc().upsertDevices([
      { code: 'sd-1', typeCode: 'smoke_detector', name: '东一网格 3 号楼烟感', location: EAST_GRID_1, departmentId: w.dept('EAST-OFFICE') },
      { code: 'btn-1', typeCode: 'wearable_button', name: '独居老人呼叫按钮', location: WEST },
      ...[1, 2, 3].map((i) => ({ code: `acc-${i}`, typeCode: 'bridge_accelerometer', name: `${i} 号桥加速度计`, location: WEST })),
    ]);
  });
  afterAll(async () => {
    await http?.close();
    await w?.close();
  });

  it('installs the default device types and the domain packs on an empty database', () => {
    expect(svc().deviceTypes().map((t) => t.code)).toEqual(expect.arrayContaining(['street_light', 'pedestrian_counter', 'bridge_accelerometer', 'bridge_strain', 'bridge_inclinometer', 'oil_fume_monitor', 'electricity_meter', 'smoke_detector', 'wearable_button', 'air_quality_station']));
    expect(new Set(svc().listRules().map((r) => r.pack))).toEqual(new Set(['bridge', 'oil_fume', 'elderly', 'smoke', 'street_lighting', 'air_quality']));
  });

  it('places a device in its grid through places', () => {
    const d = svc().getDevice('sd-1');
    expect(d.areaId).toBe(w.app.places.api.getAreaByCode('990101001001001')!.id);
    expect(d.areaName).toBe('东一网格');
  });

  it('stores the good items of a batch and lists the bad ones (207), refuses an all-bad batch (400), a huge one (413) and bad JSON', async () => {
    const before = await count('sensing_reading');
    const res = await post([
      { deviceId: 'sd-1', measure: 'battery_pct', value: 80, at: now() },
      { deviceId: 'ghost', measure: 'battery_pct', value: 80, at: now() },
      { deviceId: 'sd-1', measure: 'battery_pct', value: 'eighty', at: now() },
    ]);
    expect(res.statusCode).toBe(207);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 2, problems: [{ index: 1, code: 'READING_UNKNOWN_DEVICE' }, { index: 2, code: 'READING_BAD_VALUE', field: '2.value' }] });
    expect(await count('sensing_reading')).toBe(before + 1);

    const bad = await post([{ deviceId: 'ghost', measure: 'x', value: 1, at: now() }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'READINGS_REJECTED', details: { problems: [{ index: 0, code: 'READING_UNKNOWN_DEVICE' }] } } });

    const huge = await post(Array.from({ length: 5001 }, () => ({ deviceId: 'sd-1', measure: 'battery_pct', value: 1, at: now() })));
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ error: { code: 'READINGS_BATCH_TOO_LARGE' } });

    const malformed = await post(null, '[{"deviceId": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
    expect(await count('sensing_reading')).toBe(before + 1);
  });

  it('stores a re-sent batch once and rolls readings up by minute, hour and day', async () => {
    const t = Date.parse(now());
    const batch = [0, 1, 2].map((i) => ({ deviceId: 'acc-1', measure: 'acc_z', value: 0.001 * (i + 1), at: t + i * 10 }));
    expect((await post(batch)).statusCode).toBe(200);
    expect((await post(batch)).statusCode).toBe(200); // the gateway lost the ack and re-sends
    const device = svc().getDevice('acc-1');
    expect(await count('sensing_reading', `where device_id = '${device.id}'`)).toBe(3);
    const minute = await svc().rollups('acc-1', { measure: 'acc_z', bucket: 'm' });
    expect(minute.items).toHaveLength(1);
    expect(minute.items[0]).toMatchObject({ count: 3, min: 0.001, max: 0.003 });
    expect(minute.items[0]!.sum).toBeCloseTo(0.006, 9);
    const day = await svc().rollups('acc-1', { measure: 'acc_z', bucket: 'd' });
    expect(day.items[0]).toMatchObject({ count: 3 });
  });

  it('raises a critical smoke alarm with a case (channel sensor, device location), counts repeats, clears it and records the case closing', async () => {
    await svc().ingest([{ deviceId: 'sd-1', measure: 'smoke', value: 1, at: now() }]);
    await alarms().idle();
    const [alarm] = (await svc().listAlarms({ type: 'smoke_detected', active: true })).items;
    expect(alarm).toMatchObject({ severity: 'critical', status: 'active_unack', count: 1, areaId: svc().getDevice('sd-1').areaId });
    expect(alarm!.caseId).toMatch(/^cas_/);
    const c = await w.app.cases.api.get(alarm!.caseId!);
    expect(c).toMatchObject({ channel: 'sensor', categoryCode: '08.01.02', urgency: 'critical', areaId: alarm!.areaId });
    const raised = await outbox(SENSING_EVENTS.alarmRaised);
    expect(raised.at(-1)).toMatchObject({ alarmId: alarm!.id, type: 'smoke_detected', severity: 'critical', deviceId: alarm!.deviceId, areaId: alarm!.areaId });

    // Still smoking: the same alarm counts up instead of a second one.
    w.clock.advance(5000);
    await svc().ingest([{ deviceId: 'sd-1', measure: 'smoke', value: 0, at: now() }]);
    w.clock.advance(5000);
    await svc().ingest([{ deviceId: 'sd-1', measure: 'smoke', value: 1, at: now() }]);
    await alarms().idle();
    // Cleared between (smoke 0), so the second is a new alarm; within one active alarm repeats count.
    const all = (await svc().listAlarms({ type: 'smoke_detected' })).items;
    expect(all.map((a) => a.status)).toEqual(['active_unack', 'cleared_unack']);
    const history = await alarms().get(alarm!.id);
    expect(history.history.map((h) => h.action)).toEqual(['raised', 'case-opened', 'cleared', 'case-note']);

    // Closing the case is recorded on the alarm (cases event, durable subscription).
    await w.app.cases.service.close(alarm!.caseId!, { reason: '现场核实：烟雾已消散' }, TEST_ACTOR);
    await w.app.bus.drain();
    // The vital-signs index scored the alarm from the event (it never calls sensing).
    expect(await count('vitals_ledger', `where source_type = 'alarm' and source_id = '${alarm!.id}'`)).toBeGreaterThan(0);
    const after = await alarms().get(alarm!.id);
    expect(after.caseClosedAt).not.toBeNull();
    expect(after.history.at(-1)).toMatchObject({ action: 'case-closed', detail: { caseId: alarm!.caseId } });
  });

  it('keeps one active alarm per device and type and counts its repeats; the highest active band sets the severity', async () => {
    const t = Date.parse(now());
    await svc().ingest([{ deviceId: 'acc-2', measure: 'acc_z', value: 0.004, at: t }]);
    await svc().ingest([{ deviceId: 'acc-2', measure: 'acc_z', value: 0.006, at: t + 10 }]);
    await alarms().idle();
    const list = (await svc().listAlarms({ deviceId: 'acc-2', type: 'bridge_accel_level' })).items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ severity: 'major', count: 2, rules: { 'bridge.acc_z.yellow': 'warning', 'bridge.acc_z.orange': 'major' } });
    // Down into the yellow band only (below 80 % of orange) for longer than the 10 s clear hold: back to warning, still one alarm.
    await svc().ingest([{ deviceId: 'acc-2', measure: 'acc_z', value: 0.0035, at: t + 20 }]);
    await alarms().idle();
    expect((await svc().listAlarms({ deviceId: 'acc-2', type: 'bridge_accel_level' })).items[0]).toMatchObject({ severity: 'major' });
    await svc().ingest([{ deviceId: 'acc-2', measure: 'acc_z', value: 0.0035, at: t + 10_100 }]);
    await alarms().idle();
    const again = (await svc().listAlarms({ deviceId: 'acc-2', type: 'bridge_accel_level' })).items;
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ severity: 'warning', active: true });
  });

  it('gathers alarms of one type on three bridges within a minute into one incident', async () => {
    const t = Date.parse(now());
    for (const code of ['acc-1', 'acc-3']) await svc().ingest([{ deviceId: code, measure: 'acc_z', value: 0.004, at: t + 30 }]);
    await alarms().idle();
    const active = (await svc().listAlarms({ type: 'bridge_accel_level', active: true })).items;
    expect(active).toHaveLength(3);
    const incidents = new Set(active.map((a) => a.incidentId));
    expect(incidents.size).toBe(1);
    expect([...incidents][0]).toMatch(/^inc_/);
    expect((await svc().incidents()).items[0]).toMatchObject({ alarmType: 'bridge_accel_level', alarmCount: 3 });
  });

  it('acknowledges and clears by hand over HTTP (two status axes), with history and events', async () => {
    const [a] = (await svc().listAlarms({ deviceId: 'acc-2', type: 'bridge_accel_level' })).items;
    const ack = await http.inject({ method: 'POST', url: `/api/v1/sensing/alarms/${a!.id}/acknowledge`, payload: { comment: '已通知养护单位' } });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'active_ack' });
    const clear = await http.inject({ method: 'POST', url: `/api/v1/sensing/alarms/${a!.id}/clear`, payload: { comment: '现场检查无异常' } });
    expect(clear.json()).toMatchObject({ status: 'cleared_ack', active: false });
    await http.inject({ method: 'POST', url: `/api/v1/sensing/alarms/${a!.id}/comments`, payload: { text: '复查完毕' } });
    const page = await http.inject({ method: 'GET', url: `/api/v1/sensing/alarms/${a!.id}` });
    expect((page.json() as { history: Array<{ action: string }> }).history.map((h) => h.action).slice(-3)).toEqual(['acknowledged', 'cleared', 'commented']);
    expect((await outbox(SENSING_EVENTS.alarmAcknowledged)).at(-1)).toMatchObject({ alarmId: a!.id });
    expect((await outbox(SENSING_EVENTS.alarmCleared)).at(-1)).toMatchObject({ alarmId: a!.id });
    // The vibration goes on: the rules start over after a clear by hand and raise a fresh alarm.
    await svc().ingest([{ deviceId: 'acc-2', measure: 'acc_z', value: 0.004, at: Date.parse(now()) + 20_000 }]);
    await alarms().idle();
    const fresh = (await svc().listAlarms({ deviceId: 'acc-2', type: 'bridge_accel_level', active: true })).items;
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.id).not.toBe(a!.id);
    const missing = await http.inject({ method: 'POST', url: '/api/v1/sensing/alarms/alm_nope/acknowledge', payload: {} });
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('runs no rule on an in-home device without the resident\'s consent', async () => {
    await svc().ingest([{ deviceId: 'btn-1', measure: 'pressed', value: 1, at: now() }]);
    await alarms().idle();
    expect((await svc().listAlarms({ deviceId: 'btn-1', type: 'elderly_sos_button' })).items).toHaveLength(0);
    expect(svc().getDevice('btn-1')).toMatchObject({ inHome: true, consent: null, monitored: false });
    const res = await http.inject({ method: 'POST', url: '/api/v1/sensing/devices/btn-1/consent', payload: { given: true, recordedBy: '社区网格员 王五' } });
    expect(res.json()).toMatchObject({ monitored: true, consent: { by: '社区网格员 王五' } });
    w.clock.advance(1000);
    await svc().ingest([{ deviceId: 'btn-1', measure: 'pressed', value: 1, at: now() }]);
    await alarms().idle();
    expect((await svc().listAlarms({ deviceId: 'btn-1', type: 'elderly_sos_button' })).items).toMatchObject([{ severity: 'critical' }]);
  });

  it('judges an elderly resident\'s electricity against the household\'s own history as soon as consent is recorded', async () => {
    await svc().upsertDevices([{ code: 'meter-1', typeCode: 'electricity_meter', name: '独居老人家庭电表', location: WEST }]);
    const end = Math.floor(Date.parse(now()) / 3_600_000) * 3_600_000;
    // Four days of about 0.5 kWh an hour, then twelve hours of almost nothing (stored, not judged: no consent yet).
    const history = Array.from({ length: 96 }, (_, i) => {
      const at = end - (96 - i) * 3_600_000 + 60_000;
      return { deviceId: 'meter-1', measure: 'kwh', value: i >= 84 ? 0.01 : 0.5, at };
    });
    expect((await svc().ingest(history)).accepted).toBe(96);
    await svc().tick();
    await alarms().idle();
    expect((await svc().listAlarms({ deviceId: 'meter-1' })).items.filter((a) => a.type === 'elderly_no_electricity')).toHaveLength(0);
    await svc().setConsent('meter-1', true, '社区网格员 王五');
    await svc().tick();
    await alarms().idle();
    const [alarm] = (await svc().listAlarms({ deviceId: 'meter-1', type: 'elderly_no_electricity' })).items;
    expect(alarm).toMatchObject({ severity: 'major', active: true });
    expect(alarm!.caseId).toMatch(/^cas_/);
  });

  it('turns a silent device offline once its type\'s timeout passed (checked on each tick), and online with its next reading', async () => {
    // Bridge sensors time out after 60 s.
    await svc().ingest([{ deviceId: 'acc-1', measure: 'acc_z', value: 0, at: now() }]);
    w.clock.advance(59_000);
    await svc().tick();
    expect(svc().getDevice('acc-1').online).toBe(true);
    w.clock.advance(2_000);
    await svc().tick();
    await alarms().idle();
    expect(svc().getDevice('acc-1').online).toBe(false);
    const [off] = (await svc().listAlarms({ deviceId: 'acc-1', type: 'device_offline', active: true })).items;
    expect(off).toMatchObject({ severity: 'minor' });
    await svc().ingest([{ deviceId: 'acc-1', measure: 'acc_z', value: 0, at: now() }]);
    await svc().tick();
    await alarms().idle();
    expect(svc().getDevice('acc-1').online).toBe(true);
    expect((await alarms().get(off!.id)).active).toBe(false);
  });

  it('steers a street light from its pedestrian counter at night and sends the level as an MQTT command', async () => {
    await svc().upsertDevices([
      { code: 'ped-1', typeCode: 'pedestrian_counter', name: '步行街行人计数器', location: EAST_GRID_1 },
      { code: 'sl-1', typeCode: 'street_light', name: '步行街 1 号路灯', location: EAST_GRID_1, attributes: { counter: 'ped-1' } },
    ]);
    const broker = new SensingMqtt({ port: 0, host: '127.0.0.1', url: null }, { logger: w.app.logger, ingest: (items) => svc().ingest(items), verifyGateway: async (t) => t === 'light-secret-000001', maxBatch: 10 });
    await broker.start();
    svc().setCommandSink((code, body) => broker.command(code, body));
    try {
      const light = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port()}`, { username: 'sl-1', password: 'light-secret-000001', reconnectPeriod: 0 });
      const got: Array<{ level: number }> = [];
      light.on('message', (_t, payload) => got.push(JSON.parse(payload.toString()) as { level: number }));
      await light.subscribeAsync('cityloop/devices/sl-1/commands', { qos: 1 });
      const night = Date.parse('2026-12-04T14:00:00Z'); // 22:00 in Beijing
      w.clock.set(new Date(night));
      await svc().ingest([{ deviceId: 'ped-1', measure: 'count', value: 0, at: now() }]);
      expect(await svc().steerLights(night)).toEqual([{ light: 'sl-1', level: 20 }]);
      await svc().ingest([{ deviceId: 'ped-1', measure: 'count', value: 300, at: now() }]);
      expect(await svc().steerLights(night + 1000)).toEqual([{ light: 'sl-1', level: 100 }]);
      expect(await svc().steerLights(night + 2000)).toEqual([]); // unchanged: nothing sent
      const deadline = Date.now() + 3000;
      while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(got.map((g) => g.level)).toEqual([20, 100]);
      await light.endAsync();
    } finally {
      svc().setCommandSink(() => Promise.resolve());
      await broker.stop();
    }
  });

  it('acks an MQTT QoS 1 message only after its readings are stored, and refuses a bad gateway token', async () => {
    const broker = new SensingMqtt({ port: 0, host: '127.0.0.1', url: null }, {
      logger: w.app.logger, ingest: (items) => svc().ingest(items), verifyGateway: async (t) => t === 'gateway-secret-0001', maxBatch: 5000,
    });
    await broker.start();
    try {
      const url = `mqtt://127.0.0.1:${broker.port()}`;
      await expect(mqtt.connectAsync(url, { username: 'gw', password: 'wrong-secret-0000', reconnectPeriod: 0 })).rejects.toThrow();
      const client = await mqtt.connectAsync(url, { username: 'gw', password: 'gateway-secret-0001', reconnectPeriod: 0 });
      const device = svc().getDevice('acc-3');
      const before = await count('sensing_reading', `where device_id = '${device.id}'`);
      const t = Date.parse(now());
      await client.publishAsync(READINGS_TOPIC, JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ deviceId: 'acc-3', measure: 'acc_z', value: 0, at: t + 100 + i }))), { qos: 1 });
      // The PUBACK has arrived: the rows must already be there, without waiting.
      expect(await count('sensing_reading', `where device_id = '${device.id}'`)).toBe(before + 50);
      await client.publishAsync(`cityloop/sensing/devices/acc-3/readings`, JSON.stringify({ measure: 'acc_z', value: 0, at: t + 500 }), { qos: 1 });
      expect(await count('sensing_reading', `where device_id = '${device.id}'`)).toBe(before + 51);
      await client.endAsync();
    } finally {
      await broker.stop();
    }
  });

  const external = process.env.CITYLOOP_TEST_MQTT_URL;
  if (!external) console.warn('skipped: CITYLOOP_TEST_MQTT_URL not set (readings through an external MQTT broker such as Mosquitto)');
  it.skipIf(!external)('takes readings from an external broker (Mosquitto) and acks them after storing', async () => {
    const sub = new SensingMqtt({ port: null, host: '127.0.0.1', url: external! }, { logger: w.app.logger, ingest: (items) => svc().ingest(items), verifyGateway: async () => false, maxBatch: 5000 });
    await sub.start();
    try {
      const pub = await mqtt.connectAsync(external!, { reconnectPeriod: 0 });
      const device = svc().getDevice('acc-2');
      const before = await count('sensing_reading', `where device_id = '${device.id}'`);
      const t = Date.parse(now());
      await pub.publishAsync(READINGS_TOPIC, JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ deviceId: 'acc-2', measure: 'acc_z', value: 0, at: t + 1000 + i }))), { qos: 1 });
      const deadline = Date.now() + 5000;
      while ((await count('sensing_reading', `where device_id = '${device.id}'`)) < before + 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await count('sensing_reading', `where device_id = '${device.id}'`)).toBe(before + 20);
      await pub.endAsync();
    } finally {
      await sub.stop();
    }
  });
});
