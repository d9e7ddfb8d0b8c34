/** A wake-up that is never lost: a ring while nobody waits makes the next wait return at once. */
export class Doorbell {
  private rung = false;
  private wakeWaiter: (() => void) | undefined;

  ring(): void {
    this.rung = true;
    this.wakeWaiter?.();
  }

  /** Resolves when the bell rings (or rang since the last wait), or after `ms`; answers whether it rang. */
  async wait(ms: number): Promise<boolean> {
    if (!this.rung) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, ms);
        this.wakeWaiter = wake;
        function wake(): void {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    const rang = this.rung;
    this.wakeWaiter = undefined;
    this.rung = false;
    return rang;
  }
}
