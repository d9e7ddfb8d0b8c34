import { createServer } from 'node:net';

/**
 * Fails as listening on `port` would (in use, not allowed, not an address of the machine), before the service does
 * anything else: a second instance started on a taken port must not run the scheduler's catch-up or its relay first.
 * The service listens for good only once it has started; port 0 (any free port) needs no check.
 */
export async function checkPortFree(port: number, host: string | undefined): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(port, host, () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
