import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('censors personal fields wherever they appear in a log object', () => {
    const lines: string[] = [];
    const log = createLogger({ destination: new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }) });
    log.info({ input: { requester: { name: '张三', phone: '13812345678' } }, phone: '13900001111', case: { address: '某路1号' } }, 'intake');
    const out = lines.join('');
    expect(out).not.toContain('13812345678');
    expect(out).not.toContain('13900001111');
    expect(out).not.toContain('张三');
    expect(out).not.toContain('某路1号');
    expect(out).toContain('[redacted]');
  });
});
