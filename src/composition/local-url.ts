/**
 * The address to reach a service listening on `host` and `port` from this machine: a wildcard address (all
 * interfaces, in any spelling) is reached on the loopback, and an IPv6 address is written in brackets (RFC 3986).
 */
export function localUrl(host: string | undefined, port: number): string {
  const named = host === undefined || host === '' ? '0.0.0.0' : host;
  const url = new URL(`http://${named.includes(':') ? `[${named}]` : named}`);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.origin;
}
