import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfterMs: number;
}

/** Opens a TCP connection to the service; answers once connected. */
export function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with the milliseconds until the server closes `socket`. */
export function closedAfter(socket: Socket, since = Date.now()): Promise<number> {
  return new Promise((resolve) => {
    socket.resume();
    socket.once('close', () => resolve(Date.now() - since));
  });
}

/** Writes `request` byte for byte and reads everything until the server closes the connection. */
export async function rawExchange(url: string, request: string | Buffer): Promise<RawAnswer> {
  const { text, closedAfterMs } = await exchange(url, request.length > 0 ? [request] : [], 0);
  return { ...parseAnswer(text), closedAfterMs };
}

/** Writes each part of a request in turn, `gapMs` apart, and reads everything until the server closes. */
async function exchange(
  url: string,
  parts: readonly (string | Buffer)[],
  gapMs: number,
): Promise<{ text: string; closedAfterMs: number }> {
  const began = Date.now();
  const socket = await openSocket(url);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - began)));
  socket.on('error', () => undefined);
  for (const [i, part] of parts.entries()) {
    if (i > 0 && gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    if (!socket.destroyed) socket.write(part);
  }
  const closedAfterMs = await closed;
  return { text: Buffer.concat(chunks).toString('latin1'), closedAfterMs };
}

export function parseAnswer(text: string): Omit<RawAnswer, 'closedAfterMs'> {
  const end = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) };
}

/** Every whole answer in `text`, in order, each delimited by its Content-Length. */
export function parseAnswers(text: string): Array<Omit<RawAnswer, 'closedAfterMs'>> {
  const answers: Array<Omit<RawAnswer, 'closedAfterMs'>> = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const head = parseAnswer(`${rest.slice(0, end)}\r\n\r\n`);
    const length = Number(head.headers['content-length'] ?? 0);
    answers.push({ ...head, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return answers;
}

/** Writes each part of a request in turn, `gapMs` apart, and reads every answer until the server closes. */
export async function rawExchangeInParts(
  url: string,
  parts: readonly (string | Buffer)[],
  gapMs: number,
): Promise<{ answers: Array<Omit<RawAnswer, 'closedAfterMs'>>; closedAfterMs: number }> {
  const { text, closedAfterMs } = await exchange(url, parts, gapMs);
  return { answers: parseAnswers(text), closedAfterMs };
}
