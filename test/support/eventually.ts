/**
 * Waits until `condition` holds, checking every `intervalMs`; fails with `description` after `timeoutMs`.
 * A bounded wait for something asynchronous, instead of a sleep that hopes it happened.
 */
export async function eventually(
  description: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
