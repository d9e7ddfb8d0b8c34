/**
 * How long a probe or a scrape waits for the database before it reports it down: well inside a load balancer's
 * probe timeout and Prometheus's 10 s scrape timeout, so a database that does not answer (a network partition)
 * shows as down instead of holding the probe or the scrape until they are given up on.
 */
export const DATABASE_ANSWER_TIMEOUT_MS = 2_000;

export class NoAnswerWithin extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** `work`'s answer, or a rejection with NoAnswerWithin once `timeoutMs` passed first. */
export async function answerWithin<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswerWithin(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
