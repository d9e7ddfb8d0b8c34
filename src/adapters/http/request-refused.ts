/** A request refused at the HTTP edge (auth, malformed input); `code` is looked up in the status table. */
export class RequestRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
