import type { Clock } from '../../src/application/index.js';

export class FixedClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  set(instant: Date): void {
    this.current = instant;
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
