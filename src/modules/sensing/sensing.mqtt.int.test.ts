import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../platform/logging/logger.ts';
import { itemsOf, SensingMqtt } from './sensing.mqtt.ts';

describe('MQTT ingest settings', () => {
  it('says clearly that the MQTT port is taken and keeps running without the embedded broker', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve()));
    const port = (squatter.address() as AddressInfo).port;
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (_o: unknown, msg: string) => warnings.push(msg), error: () => undefined } as unknown as Logger;
    const mqtt = new SensingMqtt({ port, host: '127.0.0.1', url: null }, { logger, ingest: async () => ({ accepted: 0, duplicates: 0, problems: [] }) as never, verifyGateway: async () => false, maxBatch: 10 });
    await mqtt.start();
    expect(mqtt.port()).toBeNull();
    expect(warnings).toEqual([expect.stringContaining(`MQTT port ${port} is already in use`)]);
    await mqtt.stop();
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  });

  it('takes readings on the published topic cityloop/devices/<deviceId>/readings, one or an array', () => {
    expect(itemsOf('cityloop/devices/sd-1/readings', Buffer.from('{"measure":"smoke","value":1,"ts":1764813600000}'))).toEqual([{ measure: 'smoke', value: 1, ts: 1764813600000, deviceId: 'sd-1' }]);
    expect(itemsOf('cityloop/devices/sd-1/readings', Buffer.from('[{"measure":"smoke","value":0,"ts":1},{"measure":"smoke","value":1,"ts":2}]'))?.map((i) => (i as { deviceId: string }).deviceId)).toEqual(['sd-1', 'sd-1']);
    expect(itemsOf('cityloop/other/sd-1/readings', Buffer.from('{}'))).toBeNull();
    expect(itemsOf('cityloop/devices/sd-1/readings', Buffer.from('not json'))).toBeNull();
  });
});
