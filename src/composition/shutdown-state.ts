/** Set once shutdown began: readiness answers `unavailable`, and every answer from then on closes its connection. */
export class ShutdownState {
  stopping = false;
}
