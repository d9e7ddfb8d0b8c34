/** A request refused before it reached the app (by node:http, or for its connection), as its log line tells it. */
export interface ParserRefusal {
  requestId: string;
  status: number;
  /** The method of its request line, when it is one node:http knows; null otherwise. */
  method: string | null;
}

export type ParserRefusalSeen = (refusal: ParserRefusal) => void;
