import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuthWorld, type AuthWorld } from '../../../../test/support/auth-world.ts';

/*
 * Live updates over server-sent events: a viewer hears of changes to cases in its data scope
 * within a second, and of nothing outside it.
 */

interface Heard {
  events: Array<{ event: string; number: string; state: string }>;
  close(): void;
  ready: Promise<void>;
}

/** Open the stream as a signed-in user and collect its `case` events. */
function listen(world: AuthWorld, name: string): Heard {
  const ctl = new AbortController();
  const events: Heard['events'] = [];
  let opened!: () => void;
  const ready = new Promise<void>((r) => (opened = r));
  void (async () => {
    const res = await fetch(`${world.base}/api/v1/cases/stream`, { headers: { accept: 'text/event-stream', cookie: `cityloop_session=${world.user(name).cookie}` }, signal: ctl.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.includes('event: ready')) opened();
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (block.includes('event: case') && data) events.push(JSON.parse(data) as Heard['events'][number]);
      }
    }
  })().catch(() => undefined);
  return { events, ready, close: () => ctl.abort() };
}

async function until(what: () => boolean, ms: number): Promise<number> {
  const t0 = performance.now();
  while (!what()) {
    if (performance.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - t0;
}

describe('live case stream', () => {
  let world: AuthWorld;
  beforeAll(async () => {
    world = await openAuthWorld();
    // The world composes without background work; live updates need event delivery running.
    world.app.bus.start();
  });
  afterAll(async () => world?.close());

  it('tells a handler of a change to a case of its department within a second, and a handler of another department nothing', async () => {
    const env = listen(world, 'handler');
    const housing = listen(world, 'handler.housing');
    await Promise.all([env.ready, housing.ready]);
    const c = await world.newCase('env');
    const ms = await until(() => env.events.some((e) => e.number === c.number && e.state === 'dispatched'), 5_000);
    expect(ms).toBeLessThan(1_000 + 500);
    const housingCase = await world.newCase('west');
    await until(() => housing.events.some((e) => e.number === housingCase.number), 5_000);
    expect(housing.events.map((e) => e.number)).not.toContain(c.number);
    expect(env.events.map((e) => e.number)).not.toContain(housingCase.number);
    expect(JSON.stringify(env.events)).not.toContain('13812341234');
    env.close();
    housing.close();
  });

  it('answers a plain HTTP client with NOT_ACCEPTABLE and an anonymous one with AUTH_REQUIRED', async () => {
    expect((await world.send('GET', '/api/v1/cases/stream', { user: world.user('handler') })).code).toBe('NOT_ACCEPTABLE');
    expect((await world.send('GET', '/api/v1/cases/stream', { headers: { accept: 'text/event-stream' } })).code).toBe('AUTH_REQUIRED');
  });
});
