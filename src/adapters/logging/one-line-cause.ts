/** Longest cause a log line carries; the rest of a long chain adds nothing an operator acts on. */
const MAX_CAUSE_LENGTH = 300;

/**
 * An error and its chain of causes as one short line, `Name: message <- Name: message`, without stacks: what an
 * outage log line needs to say why. The stack of a client library's retry wrapper is a kilobyte of its internals.
 */
export function oneLineCause(error: unknown): string {
  const chain: Array<{ name: string; message: string }> = [];
  const seen = new Set<unknown>();
  for (let current: unknown = error; current !== undefined && current !== null && !seen.has(current); ) {
    seen.add(current);
    if (!(current instanceof Error)) {
      chain.push({ name: String(current), message: '' });
      break;
    }
    chain.push({ name: current.name, message: current.message.split('\n')[0]!.trim() });
    current = current.cause;
  }
  // A wrapper that repeats its cause's message says it once, at the cause.
  const parts = chain.map(({ name, message }, i) =>
    message === '' || message === chain[i + 1]?.message ? name : `${name}: ${message}`,
  );
  const line = parts.join(' <- ').replace(/\s+/g, ' ');
  return line.length <= MAX_CAUSE_LENGTH ? line : `${line.slice(0, MAX_CAUSE_LENGTH - 1)}…`;
}

/**
 * The class names of an error and its causes, outermost first, as `Name <- Name`: what kind of failure it was
 * (`KafkaJSNonRetriableError <- KafkaJSConnectionError`) without the messages, which name addresses.
 */
export function causeNames(error: unknown): string {
  const names: string[] = [];
  const seen = new Set<unknown>();
  for (let current: unknown = error; current !== undefined && current !== null && !seen.has(current); ) {
    seen.add(current);
    names.push(current instanceof Error ? current.name : typeof current);
    if (!(current instanceof Error)) break;
    current = current.cause;
  }
  const line = names.join(' <- ');
  return line.length <= MAX_CAUSE_LENGTH ? line : `${line.slice(0, MAX_CAUSE_LENGTH - 1)}…`;
}
