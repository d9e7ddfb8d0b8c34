/** Longest cause a log line carries; the rest of a long chain adds nothing an operator acts on. */
const MAX_CAUSE_LENGTH = 300;

/**
 * An error and its chain of causes as one short line, `Name: message <- Name: message`, without stacks: what an
 * outage log line needs to say why. The stack of a client library's retry wrapper is a kilobyte of its internals.
 */
export function oneLineCause(error: unknown): string {
  const chain = causeChain(error).map((link) =>
    link instanceof Error
      ? { name: link.name, message: link.message.split('\n')[0]!.trim() }
      : { name: String(link), message: '' },
  );
  // A wrapper that repeats its cause's message says it once, at the cause.
  const parts = chain.map(({ name, message }, i) =>
    message === '' || message === chain[i + 1]?.message ? name : `${name}: ${message}`,
  );
  return shortened(parts.join(' <- ').replace(/\s+/g, ' '));
}

/**
 * The class names of an error and its causes, outermost first, as `Name <- Name`: what kind of failure it was
 * (`KafkaJSNonRetriableError <- KafkaJSConnectionError`) without the messages, which name addresses.
 */
export function causeNames(error: unknown): string {
  return shortened(
    causeChain(error)
      .map((link) => (link instanceof Error ? link.name : typeof link))
      .join(' <- '),
  );
}

/**
 * The class names of an error and its causes, outermost first, each with its error code where it has one:
 * `Error (ECONNREFUSED)`, `DatabaseUnavailable <- SqliteError (SQLITE_FULL)`. What kind of failure it was, without
 * the messages, which name addresses and files.
 */
export function causeCodes(error: unknown): string {
  return shortened(
    causeChain(error)
      .map((link) => {
        if (!(link instanceof Error)) return typeof link;
        const { code } = link as { code?: unknown };
        return typeof code === 'string' ? `${link.name} (${code})` : link.name;
      })
      .join(' <- '),
  );
}

/**
 * The error and its causes, outermost first, each once; a cause that is not an Error ends the chain. An error that
 * gathers others (an AggregateError, kafkajs's `Topic creation errors`) and has no cause goes on with the first it
 * gathers, which says why: `Replication factor: 3 larger than available brokers: 1`.
 */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current: unknown = error; current !== undefined && current !== null && !chain.includes(current); ) {
    chain.push(current);
    if (!(current instanceof Error)) break;
    current = current.cause ?? firstGathered(current);
  }
  return chain;
}

function firstGathered(error: Error): unknown {
  const { errors } = error as { errors?: unknown };
  return Array.isArray(errors) ? errors[0] : undefined;
}

function shortened(line: string): string {
  return line.length <= MAX_CAUSE_LENGTH ? line : `${line.slice(0, MAX_CAUSE_LENGTH - 1)}…`;
}
