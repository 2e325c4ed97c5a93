import { parsers, readConfig, type KeySpec } from '../platform/config/config-reader.ts';

const spec = <T>(key: string, description: string, def: T, parse: (raw: string) => T): KeySpec<T> => ({ key, description, default: def, parse });

/** Every configuration key CityLoop reads. The README's table is generated from these descriptions. */
export const CONFIG_KEYS = {
  port: spec('CITYLOOP_PORT', 'HTTP port', 8080, parsers.int(0, 65535)),
  host: spec('CITYLOOP_HOST', 'Interface to listen on', '127.0.0.1', parsers.string),
  databaseUrl: spec('CITYLOOP_DATABASE_URL', 'SQLite file path / file: URL (default), or postgres://… URL', './data/cityloop.sqlite', parsers.string),
  zone: spec('CITYLOOP_ZONE', "The city's time zone for business days and case numbers", 'Asia/Shanghai', parsers.zone),
  logLevel: spec('CITYLOOP_LOG_LEVEL', 'pino log level', 'info', parsers.oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent')),
  demo: spec('CITYLOOP_DEMO', "'auto' loads the demo city into an empty database on start; 'off' never", 'auto', parsers.oneOf('auto', 'off')),
  bodyLimit: spec('CITYLOOP_BODY_LIMIT', 'Largest accepted HTTP body in bytes', 1_048_576, parsers.int(1024, 104_857_600)),
  yellowShare: spec('CITYLOOP_YELLOW_SHARE', 'Share of the allowed time after which a case turns yellow', 0.8, parsers.number(0.1, 0.99)),
  satisfiedMinRating: spec('CITYLOOP_SATISFIED_MIN_RATING', 'Lowest rating counted as satisfied: 3 counts 基本满意 too, 4 only 满意 and 非常满意', 3, parsers.int(3, 4)),
  schedulerIntervalMs: spec('CITYLOOP_SCHEDULER_INTERVAL_MS', 'How often deadlines are checked (yellow/red lights, chases)', 20_000, parsers.int(100, 60_000)),
  repeatWindowDays: spec('CITYLOOP_REPEAT_WINDOW_DAYS', 'A request from the same phone in the same category within this many days counts as a repeat', 30, parsers.int(1, 365)),
  briefingHour: spec('CITYLOOP_BRIEFING_HOUR', "Local hour (0–23) at which the daily briefing of the day before is generated", 7, parsers.int(0, 23)),
  insightsTrainHour: spec('CITYLOOP_INSIGHTS_TRAIN_HOUR', 'Local hour (0–23) of the daily classifier retraining; -1 retrains only on demand', 3, parsers.int(-1, 23)),
  dataKeys: spec('CITYLOOP_DATA_KEYS', 'Keys for encrypting personal data at rest (AES-256-GCM): "id:base64key[,id:base64key…]", the first encrypts, all decrypt. Required with PostgreSQL; unset with SQLite: a key file next to the database is created on first start', '', parsers.string),
  hashKey: spec('CITYLOOP_HASH_KEY', 'HMAC-SHA256 secret (base64 of 32 bytes) for phone-number keys, to find repeat callers without reading numbers; set together with CITYLOOP_DATA_KEYS. Unset (SQLite only): kept in the key file', '', parsers.string),
  trustProxy: spec('CITYLOOP_TRUST_PROXY', "Trust X-Forwarded-For from a reverse proxy for client addresses (rate limits, audit): 'off', 'on', or a comma list of proxy addresses", 'off', parsers.string),
  sessionHours: spec('CITYLOOP_SESSION_HOURS', 'How long a browser session lasts without activity', 12, parsers.int(1, 24 * 30)),
  cookieSecure: spec('CITYLOOP_COOKIE_SECURE', "Mark session cookies Secure (HTTPS only): 'auto' = when the request came over HTTPS", 'auto', parsers.oneOf('auto', 'on', 'off')),
  adminPassword: spec('CITYLOOP_ADMIN_PASSWORD', 'Password of the first admin account created on an empty database (default: generated and printed once)', '', parsers.string),
  testDatabaseUrl: spec('CITYLOOP_TEST_DATABASE_URL', 'PostgreSQL URL for the integration tests (a fresh schema per test file)', '', parsers.string),
  mqttPort: spec('CITYLOOP_MQTT_PORT', "Embedded MQTT broker port for device gateways (readings over QoS 1, PUBACK after commit); 'off' = no embedded broker. A port already taken is reported and skipped", '1883', (raw) => (raw === 'off' ? 'off' : String(parsers.int(0, 65535)(raw)))),
  mqttUrl: spec('CITYLOOP_MQTT_URL', 'External MQTT broker to take readings from (e.g. mqtt://127.0.0.1:1883); empty = none', '', parsers.string),
  sensingRetentionDays: spec('CITYLOOP_SENSING_RETENTION_DAYS', 'Days raw sensor readings are kept (minute rollups twice as long; hour and day rollups always)', 30, parsers.int(1, 3650)),
  testMqttUrl: spec('CITYLOOP_TEST_MQTT_URL', 'MQTT broker for the integration tests of the external-broker ingest (e.g. mqtt://127.0.0.1:1883)', '', parsers.string),
  realData: spec('CITYLOOP_REAL_DATA', 'Folder of real public data used by tests and benchmarks', '', parsers.string),
};

export type CityLoopConfig = { [K in keyof typeof CONFIG_KEYS]: (typeof CONFIG_KEYS)[K]['default'] };

/** Validate the environment once at start; throws ConfigError listing every bad key. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<CityLoopConfig> = {}): CityLoopConfig {
  return { ...readConfig(CONFIG_KEYS, env, 'CITYLOOP_'), ...overrides };
}
