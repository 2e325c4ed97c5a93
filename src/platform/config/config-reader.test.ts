import { describe, expect, it } from 'vitest';
import { ConfigError, parsers, readConfig } from './config-reader.ts';

const specs = {
  port: { key: 'X_PORT', description: 'port', default: 8080, parse: parsers.int(0, 65535) },
  zone: { key: 'X_ZONE', description: 'zone', default: 'Asia/Shanghai', parse: parsers.zone },
  mode: { key: 'X_MODE', description: 'mode', default: 'auto' as 'auto' | 'off', parse: parsers.oneOf('auto', 'off') },
};

describe('configuration', () => {
  it('uses defaults for missing and empty keys', () => {
    expect(readConfig(specs, { X_PORT: '' }, 'X_')).toEqual({ port: 8080, zone: 'Asia/Shanghai', mode: 'auto' });
  });

  it('parses valid values', () => {
    expect(readConfig(specs, { X_PORT: '9000', X_ZONE: 'Europe/Paris', X_MODE: 'off' }, 'X_')).toEqual({ port: 9000, zone: 'Europe/Paris', mode: 'off' });
  });

  it('lists every bad key in one error, unknown keys (typos) included', () => {
    try {
      readConfig(specs, { X_PORT: '80.5', X_ZONE: 'Mars/Base', X_MODE: 'sometimes', X_PROT: '1' }, 'X_');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/X_PORT="80.5".*integer/);
      expect(problems.join('\n')).toMatch(/X_ZONE.*IANA/);
      expect(problems.join('\n')).toMatch(/X_MODE.*one of auto, off/);
      expect(problems.join('\n')).toMatch(/X_PROT: unknown key/);
    }
  });
});
