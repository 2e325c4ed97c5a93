import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../src/platform/testing/test-database.ts';
import { ok, openHttpWorld, type HttpWorld } from '../support/http-world.ts';

/**
 * A citizen's self-query takes a case number and the last 4 digits of the phone: 10,000 guesses at
 * most. Measured here: how many wrong guesses one number allows before it locks (for everyone,
 * whatever address they come from), and how many requests one client address may send per minute.
 */
describe(`self-query brute-force protection on ${testEngine()}`, () => {
  let w: HttpWorld;
  let number = '';
  beforeAll(async () => {
    w = await openHttpWorld();
    const c = await w.app.cases.service.intake({ channel: 'hotline', kind: 'help', categoryCode: '01.01', text: '咨询保障房申请', requester: { phone: '13700001234' } }, { id: 'test', departmentId: null });
    number = c.number;
  });
  afterAll(async () => w?.close());

  const query = (digits: string, n = number) => w.api.post<{ state: string }>('/api/v1/cases/public/query', { number: n, phoneLast4: digits });

  it('locks a case number after 5 wrong guesses, even for the right digits, until 15 minutes pass', async () => {
    const statuses: number[] = [];
    for (const guess of ['0000', '1111', '2222', '3333', '4444']) statuses.push((await query(guess)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404]);
    const locked = await query('1234');
    expect([locked.status, locked.error?.code]).toEqual([429, 'CASE_QUERY_LOCKED']);
    // An unknown number that was guessed at locks the same way: the lock says nothing about existence.
    for (let i = 0; i < 5; i++) await query('9999', '209901010001');
    expect((await query('9999', '209901010001')).error?.code).toBe('CASE_QUERY_LOCKED');
    w.clock.advance(15 * 60_000 + 1000);
    expect(ok(await query('1234')).state).toBe('pending_dispatch');
    const guessesPerDay = (5 / 15) * 60 * 24;
    console.log(`self-query: 5 wrong guesses per number per 15 min → at most ${guessesPerDay} guesses/day; all 10,000 four-digit endings take ≥ ${(10_000 / guessesPerDay).toFixed(1)} days`);
  });

});

describe(`self-query rate limit per client on ${testEngine()}`, () => {
  let w: HttpWorld;
  beforeAll(async () => {
    w = await openHttpWorld();
  });
  afterAll(async () => w?.close());

  it('lets one client address make 20 queries a minute, then answers 429 RATE_LIMITED', async () => {
    const codes: number[] = [];
    // Different unknown numbers, so the per-number lock is not what stops them.
    for (let i = 0; i < 22; i++) codes.push((await w.api.post('/api/v1/cases/public/query', { number: `2099010100${String(i).padStart(2, '0')}`, phoneLast4: '0000' })).status);
    expect(codes.slice(0, 20)).toEqual(Array(20).fill(404));
    expect(codes.slice(20)).toEqual([429, 429]);
  });
});
