import { formatKeyRing, generateKeyEntry, generateSecret } from '../../src/platform/crypto/field-cipher.ts';

/**
 * Data keys for one test process: PostgreSQL refuses to start without configured keys, and every
 * composition and CLI child of a test must share them to read each other's rows.
 */
export const TEST_DATA_KEYS = { dataKeys: formatKeyRing([generateKeyEntry()]), hashKey: generateSecret().toString('base64') };

/** The same keys as environment variables for a child CityLoop process. */
export const TEST_DATA_KEYS_ENV = { CITYLOOP_DATA_KEYS: TEST_DATA_KEYS.dataKeys, CITYLOOP_HASH_KEY: TEST_DATA_KEYS.hashKey };
