import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes, type AuthenticateError, type Client as BrokerClient, type PublishPacket } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../platform/logging/logger.ts';
import type { IngestResult } from './sensing.service.ts';

/**
 * Topics a gateway publishes readings to (QoS 1; the PUBACK is the ack of durable storage):
 *  - `cityloop/devices/<deviceId>/readings`: one reading { measure, value, ts } or an array of them
 *    (the published interface; `cityloop/sensing/devices/<deviceId>/readings` is the same);
 *  - `cityloop/sensing/readings`: a JSON array of { deviceId, measure, value, ts } (or one object).
 * Items refused by validation are reported on `cityloop/sensing/results/<clientId>` (MQTT 3.1.1 has no
 * negative ack); the message is still acked: re-sending a refused reading would not make it valid.
 */
export const READINGS_TOPIC = 'cityloop/sensing/readings';
const DEVICE_TOPIC = /^cityloop\/(?:sensing\/)?devices\/([^/]{1,64})\/readings$/;
export const COMMANDS_TOPIC = (deviceCode: string) => `cityloop/devices/${deviceCode}/commands`;

export interface MqttConfig {
  /** Embedded broker port: 0 = any free port (tests), null = no embedded broker. */
  port: number | null;
  host: string;
  /** External broker to subscribe to instead of (or besides) the embedded one. */
  url: string | null;
}

export interface MqttDeps {
  logger: Logger;
  ingest: (items: readonly unknown[]) => Promise<IngestResult>;
  /** True when the token (MQTT password) may send readings. */
  verifyGateway: (token: string) => Promise<boolean>;
  maxBatch: number;
}

/** Turn a message into batch items; null when it is not JSON of the expected shape. */
export function itemsOf(topic: string, payload: Buffer): unknown[] | null {
  const device = DEVICE_TOPIC.exec(topic)?.[1];
  if (topic !== READINGS_TOPIC && device === undefined) return null;
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  const list = Array.isArray(body) ? body : [body];
  return device === undefined ? list : list.map((x) => (typeof x === 'object' && x !== null && !Array.isArray(x) ? { ...x, deviceId: device } : x));
}

/** MQTT ingest: an embedded aedes broker and/or a subscription on an external broker. */
export class SensingMqtt {
  private broker: Aedes | null = null;
  private server: Server | null = null;
  private client: MqttClient | null = null;
  readonly stats = { messages: 0, refusedMessages: 0 };

  constructor(private readonly config: MqttConfig, private readonly deps: MqttDeps) {}

  /** The embedded broker's port once listening (null without one). */
  port(): number | null {
    return this.server ? (this.server.address() as AddressInfo).port : null;
  }

  private async handle(topic: string, payload: Buffer, clientId: string): Promise<void> {
    const items = itemsOf(topic, payload);
    if (items === null) {
      this.stats.refusedMessages += 1;
      this.report(clientId, { code: 'MALFORMED_JSON', message: 'payload is not JSON readings', topic });
      return;
    }
    if (items.length > this.deps.maxBatch) {
      this.stats.refusedMessages += 1;
      this.report(clientId, { code: 'READINGS_BATCH_TOO_LARGE', max: this.deps.maxBatch, got: items.length });
      return;
    }
    this.stats.messages += 1;
    const result = await this.deps.ingest(items);
    if (result.problems.length) this.report(clientId, { accepted: result.accepted, rejected: result.rejected, problems: result.problems.slice(0, 100).map((p) => ({ index: p.index, code: p.code, field: p.field, message: p.en })) });
  }

  private report(clientId: string, body: object): void {
    const packet = { cmd: 'publish' as const, topic: `cityloop/sensing/results/${clientId}`, payload: Buffer.from(JSON.stringify(body)), qos: 0 as const, retain: false, dup: false };
    if (this.broker) this.broker.publish(packet as PublishPacket, () => undefined);
    else this.client?.publish(packet.topic, packet.payload, { qos: 0 });
  }

  /** Publish a command to a device (e.g. a street light's brightness). */
  async command(deviceCode: string, body: object): Promise<void> {
    const topic = COMMANDS_TOPIC(deviceCode);
    const payload = Buffer.from(JSON.stringify(body));
    if (this.broker) {
      const b = this.broker;
      await new Promise<void>((resolve, reject) => b.publish({ cmd: 'publish', topic, payload, qos: 1, retain: true, dup: false } as PublishPacket, (err) => (err ? reject(err) : resolve())));
    } else if (this.client) {
      await this.client.publishAsync(topic, payload, { qos: 1, retain: true });
    }
  }

  async start(): Promise<void> {
    if (this.config.port !== null) {
      const broker = await Aedes.createBroker();
      broker.authenticate = (_client: BrokerClient, username, password, done) => {
        const token = password?.toString('utf8') ?? '';
        this.deps.verifyGateway(token).then(
          (ok) => {
            if (ok) return done(null, true);
            const err = new Error('bad gateway token') as AuthenticateError;
            err.returnCode = 4;
            done(err, false);
          },
          () => done(Object.assign(new Error('auth failed'), { returnCode: 3 as const }), false),
        );
        void username;
      };
      // aedes sends the PUBACK of a QoS 1 message only once this callback is called: it is called
      // after the readings are committed, so an ack always means stored.
      broker.authorizePublish = (client, packet, done) => {
        if (!client) return done(null);
        if (packet.topic.startsWith('cityloop/sensing/results/') || packet.topic.includes('/commands')) return done(new Error('topic is the server\'s'));
        if (packet.topic !== READINGS_TOPIC && !DEVICE_TOPIC.test(packet.topic)) return done(null);
        this.handle(packet.topic, packet.payload as Buffer, client.id).then(
          () => done(null),
          (err: unknown) => {
            this.deps.logger.error({ err }, 'mqtt readings not stored');
            // No ack: the connection is dropped and the gateway re-sends after reconnecting.
            done(err instanceof Error ? err : new Error('not stored'));
          },
        );
      };
      this.broker = broker;
      this.server = createServer(broker.handle);
      const server = this.server;
      const listening = await new Promise<boolean>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(false) : reject(err)));
        server.listen(this.config.port ?? 0, this.config.host, () => resolve(true));
      });
      if (listening) this.deps.logger.info({ port: this.port() }, 'embedded MQTT broker listening');
      else {
        // Another broker (Mosquitto on these machines) holds the port: the rest of CityLoop runs on.
        this.deps.logger.warn(
          { port: this.config.port },
          `MQTT port ${this.config.port} is already in use (another MQTT broker?): the embedded broker is not started. Readings still arrive over HTTP; set CITYLOOP_MQTT_PORT to a free port, or CITYLOOP_MQTT_URL to use that broker`,
        );
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        this.broker = null;
        this.server = null;
      }
    }
    if (this.config.url) {
      // A persistent session (clean: false) makes the external broker keep unacked messages across reconnects.
      const client = await mqtt.connectAsync(this.config.url, { clientId: 'cityloop-sensing', clean: false, reconnectPeriod: 1000 });
      // mqtt.js sends the PUBACK of a received QoS 1 message when this callback is called: after the commit.
      client.handleMessage = (packet, callback) => {
        this.handle(packet.topic, packet.payload as Buffer, 'external').then(
          () => callback(),
          (err: unknown) => {
            this.deps.logger.error({ err }, 'mqtt readings from external broker not stored');
            // Without an ack the broker redelivers after reconnecting.
            client.end(true, {}, () => undefined);
          },
        );
      };
      await client.subscribeAsync([READINGS_TOPIC, 'cityloop/devices/+/readings', 'cityloop/sensing/devices/+/readings'], { qos: 1 });
      this.client = client;
      this.deps.logger.info({ url: this.config.url.replace(/\/\/[^@]*@/, '//') }, 'subscribed to external MQTT broker');
    }
  }

  async stop(): Promise<void> {
    if (this.client) {
      await this.client.endAsync();
      this.client = null;
    }
    if (this.broker) {
      const b = this.broker;
      await new Promise<void>((resolve) => b.close(() => resolve()));
      this.broker = null;
    }
    if (this.server) {
      const s = this.server;
      await new Promise<void>((resolve) => s.close(() => resolve()));
      this.server = null;
    }
  }
}
