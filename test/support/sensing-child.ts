import type { AddressInfo } from 'node:net';
import { compose } from '../../src/app/compose.ts';
import { loadConfig } from '../../src/app/config.ts';

/*
 * A CityLoop server for the durability test: composed from the environment (database URL, keys),
 * open HTTP authentication, one registered device, a gateway token for MQTT; prints its HTTP (and MQTT) port, then serves until killed.
 */
const app = await compose(loadConfig(process.env), { openAuth: true, defaultMetrics: false });
await app.start({ background: false });
await app.sensing.service.upsertDevices([{ code: 'kill-1', typeCode: 'bridge_accelerometer', name: '断电测试加速度计' }]);
const { secret } = await app.identity.api.createToken({ name: 'kill-test gateway', scopes: ['sensing.ingest'] });
await app.sensing.mqtt.start();
const http = await app.http();
await http.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`ready ${(http.server.address() as AddressInfo).port} ${app.sensing.mqtt.port() ?? 0} ${secret}\n`);
