import type { Stoppable } from './stop-on-signals.js';

/** Thrown by `startService` when a stop was asked for while it was starting: nothing more is started. */
export class StartupStopped extends Error {
  constructor() {
    super('stopped while starting');
  }
}

/**
 * The parts the service started, stopped last started first (the scheduler's run ends after the batch in hand,
 * the relay finishes and marks the batch it is publishing, the pruning passes end, the database closes), and what a
 * signal stops from the moment the process begins to start: those parts while it starts, the service once it is up.
 * Without it a signal during a long startup (a catch-up of many due campaigns, which the relay publishes meanwhile)
 * would end the process as it stood.
 */
export class StartupStop implements Stoppable {
  private readonly parts: Array<() => Promise<unknown>> = [];
  private service: Stoppable | undefined;
  private stopRequested = false;

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** A part now running, stopped before every part started before it. */
  started(stop: () => Promise<unknown>): void {
    this.parts.unshift(stop);
  }

  /** The service is up: from now on a stop is the service's own. */
  up(service: Stoppable): void {
    this.service = service;
  }

  /** Throws StartupStopped once a stop was asked for: the caller starts nothing more. */
  goOn(): void {
    if (this.stopRequested) throw new StartupStopped();
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    if (this.service !== undefined) return this.service.stop();
    await this.stopStarted();
  }

  /** Stops every part started, the last started first: the service's own stop ends with it. */
  async stopStarted(): Promise<void> {
    for (const part of this.parts) await part();
  }
}
