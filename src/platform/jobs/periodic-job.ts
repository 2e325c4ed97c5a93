/** Where a failed run is reported (pino's logger fits). */
export interface JobLogger {
  error(obj: object, msg: string): void;
}

/**
 * Background work on an interval that never overlaps itself: a tick while a run is in progress is
 * skipped, a failure is logged and the next tick tries again, and stop() waits for the run in flight.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly work: () => Promise<unknown>,
    private readonly logger: JobLogger,
  ) {}

  /** Run now, unless a run is already in progress. */
  kick(): void {
    if (this.running) return;
    this.running = this.work()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.error({ err, job: this.name }, `${this.name} failed`))
      .finally(() => {
        this.running = null;
      });
  }

  /** Run every `intervalMs` (the timer does not keep the process alive). */
  start(intervalMs: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  /** Stop the timer and wait for the run in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
