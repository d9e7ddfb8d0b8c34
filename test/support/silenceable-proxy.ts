import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (PostgreSQL), that can fall silent as a network partition does: the connections
 * it carried are cut (`silence`) or kept open with every byte either way dropped (`blackHole`), and the ones opened
 * meanwhile are accepted and never answered. `restore` cuts what it carried and carries new connections again.
 */
export class SilenceableProxy {
  private silent = false;
  private dropping = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<SilenceableProxy> {
    let proxy: SilenceableProxy | undefined;
    const server = createServer((client) => proxy!.carry(client, targetHost, targetPort));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
    proxy = new SilenceableProxy(server, address.port);
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  in(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  silence(): void {
    this.silent = true;
    this.cutAll();
  }

  /** Silent with the connections it carried left open: what was sent on them, and is sent, never arrives. */
  blackHole(): void {
    this.silent = true;
    this.dropping = true;
  }

  restore(): void {
    this.silent = false;
    this.dropping = false;
    this.cutAll();
  }

  async close(): Promise<void> {
    this.cutAll();
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }

  private carry(client: Socket, targetHost: string, targetPort: number): void {
    this.track(client);
    if (this.silent) return;
    const server = this.track(connect(targetPort, targetHost));
    client.on('data', (bytes) => this.dropping || server.write(bytes));
    server.on('data', (bytes) => this.dropping || client.write(bytes));
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }

  private cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
