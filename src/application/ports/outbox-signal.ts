/**
 * Rung after a commit appended events, so that a relay in the same process publishes them without waiting for
 * its next poll. A relay in another process does not hear it and publishes at its poll interval.
 */
export interface OutboxSignal {
  notify(): void;
  /** Answers the function that stops listening. */
  listen(listener: () => void): () => void;
}
