/**
 * The right to publish the outbox. Several service instances (and `npm run relay`) share one outbox; the lease
 * lets one relay at a time publish it, so events are not all published once per instance.
 */
export interface RelayLease {
  /**
   * Takes the lease when nobody holds it or its holder let it expire, or renews it when this relay holds it;
   * answers whether this relay holds it now. Held, it lasts the lease's time to live from this call.
   */
  acquire(): Promise<boolean>;
  /** Gives the lease up, if this relay holds it, so another relay takes over without waiting for it to expire. */
  release(): Promise<void>;
}
