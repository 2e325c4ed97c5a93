import { describe, expect, it } from 'vitest';
import { PeriodicJob } from './periodic-job.ts';

describe('periodic job', () => {
  it('never overlaps a run, logs a failure and runs again on the next kick, and stop waits for the run in flight', async () => {
    const errors: string[] = [];
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release: () => void = () => undefined;
    const job = new PeriodicJob('test job', async () => {
      runs += 1;
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => (release = resolve));
      active -= 1;
      if (runs === 1) throw new Error('first run fails');
    }, { error: (_o, msg) => errors.push(msg) });
    job.kick();
    job.kick();
    job.kick();
    expect(runs).toBe(1);
    release();
    await job.stop();
    expect(errors).toEqual(['test job failed']);
    job.kick();
    expect(runs).toBe(2);
    const stopped = job.stop();
    let done = false;
    void stopped.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    release();
    await stopped;
    expect(maxActive).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
