/** Injected time source. Domain code never calls `new Date()` for "now". */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  /** Set the clock to an instant. */
  set(at: Date | string): void {
    this.t = new Date(at).getTime();
  }
  /** Move the clock forward by milliseconds. */
  advance(ms: number): void {
    this.t += ms;
  }
}
