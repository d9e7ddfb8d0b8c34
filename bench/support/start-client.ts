import { Agent, request } from 'node:http';

/** POST /api/v1/campaigns/{id}/start over keep-alive connections that outlive a single request (and a round). */
export class StartClient {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(
    url: string,
    private readonly token: string,
    maxSockets: number,
  ) {
    this.url = new URL(url);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** Answers the status once the whole answer has arrived. */
  start(id: number): Promise<number> {
    return new Promise((resolveStatus, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method: 'POST',
          path: `/api/v1/campaigns/${id}/start`,
          headers: { authorization: `Bearer ${this.token}`, 'content-length': '0' },
        },
        (res) => {
          res.resume();
          res.once('end', () => resolveStatus(res.statusCode ?? 0));
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
