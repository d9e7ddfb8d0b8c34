import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

/**
 * The longest time, in ms, this process's event loop could not run while `measured` did: a service started in
 * the test's process fires its timers that much late too, whether its own work, a collection or a paused machine
 * held the loop. A timing test's upper bound adds it, so it fails on a late timer and not on a stalled machine.
 */
export async function withLoopStalls<T>(measured: () => Promise<T>): Promise<{ value: T; stalledMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  try {
    // The histogram counts from its first tick on: a stall before that tick would go uncounted.
    await new Promise((resolve) => setTimeout(resolve, 2 * RESOLUTION_MS));
    const value = await measured();
    return { value, stalledMs: delay.max / 1e6 };
  } finally {
    delay.disable();
  }
}
