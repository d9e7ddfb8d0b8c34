import type { Admin, Kafka, PartitionMetadata } from 'kafkajs';

/** How often the cluster's metadata is read while the relay waits to retry. */
export const METADATA_POLL_MS = 250;
/** How long metadata that shows the topic writable, unchanged, is doubted before it is taken at its word. */
export const UNCHANGED_WRITABLE_DOUBT_MS = 1_000;

/**
 * Watches the cluster's metadata while the relay waits to retry, so that it retries as soon as the topic can
 * take writes again instead of at the end of its backoff.
 */
export class WriteReadiness {
  private admin: Admin | undefined;
  /** The metadata read in progress: one at a time, however long an unreachable broker makes it take. */
  private reading: Promise<PartitionState | undefined> | undefined;

  constructor(
    private readonly kafka: Pick<Kafka, 'admin'>,
    private readonly topic: string,
    private readonly pollMs = METADATA_POLL_MS,
    private readonly doubtMs = UNCHANGED_WRITABLE_DOUBT_MS,
  ) {}

  /**
   * Answers true once the metadata shows the topic writable after a change (a partition moved to another leader,
   * or became writable after not being), false after `withinMs` or when `abandon` fires first. Metadata that
   * shows it writable from the start proves little: a broker that died still leads its partitions until the
   * controller fences it, and a broker started again is named leader a moment before it takes writes. So it is
   * believed only after `doubtMs` of reading it unchanged: the relay then retries about once a second while the
   * metadata says the topic is writable, instead of waiting out a backoff of up to several seconds.
   * Never rejects: an unreachable cluster is waited out.
   */
  async whenWritable(minInsyncReplicas: number, withinMs: number, abandon: AbortSignal): Promise<boolean> {
    // The deadline and the doubt period are spans of time: on the monotonic clock, which a step of the system's
    // clock does not move.
    const deadline = performance.now() + withinMs;
    let first: string | undefined;
    let sawUnwritable = false;
    let writableSince: number | undefined;
    while (!abandon.aborted && performance.now() < deadline) {
      this.reading ??= this.partitionState(minInsyncReplicas)
        .catch(() => undefined)
        .finally(() => {
          this.reading = undefined;
        });
      const state = await readingUntil(this.reading, deadline, abandon);
      if (state !== undefined) {
        first ??= state.leaders;
        if (!state.writable) {
          sawUnwritable = true;
          writableSince = undefined;
        } else {
          writableSince ??= performance.now();
          if (sawUnwritable || state.leaders !== first || performance.now() - writableSince >= this.doubtMs)
            return true;
        }
      }
      await pause(Math.min(this.pollMs, Math.max(0, deadline - performance.now())), abandon);
    }
    return false;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async partitionState(minInsyncReplicas: number): Promise<PartitionState> {
    this.admin ??= this.kafka.admin();
    await this.admin.connect();
    const [{ brokers }, { topics }] = await Promise.all([
      this.admin.describeCluster(),
      this.admin.fetchTopicMetadata({ topics: [this.topic] }),
    ]);
    const live = new Set(brokers.map((broker) => broker.nodeId));
    const partitions = topics[0]?.partitions ?? [];
    return {
      writable:
        partitions.length > 0 && partitions.every((partition) => isWritable(partition, live, minInsyncReplicas)),
      leaders: partitions.map((partition) => `${partition.partitionId}:${partition.leader}`).join(','),
    };
  }
}

interface PartitionState {
  writable: boolean;
  /** Each partition's leader, to tell a change. */
  leaders: string;
}

/** A partition takes acks=all writes when its leader is a live broker and enough replicas are in sync. */
export function isWritable(
  partition: PartitionMetadata,
  liveBrokers: ReadonlySet<number>,
  minInsyncReplicas: number,
): boolean {
  return partition.leader >= 0 && liveBrokers.has(partition.leader) && partition.isr.length >= minInsyncReplicas;
}

/** The read's answer, or undefined once the deadline passed or the watch was abandoned first. */
async function readingUntil<T>(reading: Promise<T>, deadline: number, abandon: AbortSignal): Promise<T | undefined> {
  // A wait of its own per read, so that no listener is left on `abandon` when the read wins.
  const lap = new AbortController();
  const endLap = () => lap.abort();
  abandon.addEventListener('abort', endLap, { once: true });
  try {
    return await Promise.race([
      reading,
      pause(Math.max(0, deadline - performance.now()), lap.signal).then(() => undefined),
    ]);
  } finally {
    lap.abort();
    abandon.removeEventListener('abort', endLap);
  }
}

function pause(ms: number, abandon: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    abandon.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      abandon.removeEventListener('abort', done);
      resolve();
    }
  });
}
