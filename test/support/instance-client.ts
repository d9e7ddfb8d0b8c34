import type { ServiceProcess } from './service-process.js';

export interface InstanceAnswer {
  status: number;
  body: any;
}

/** Calls the API of one service instance with a bearer token. Throws when the instance does not answer at all. */
export function instanceClient(token: string) {
  return async (
    instance: ServiceProcess,
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<InstanceAnswer> => {
    const response = await fetch(`${instance.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...options.headers },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
}

/** The state of the relay an instance reports in /health/ready: `running`, `standby`, ...; undefined without one. */
export async function relayStateOf(instance: ServiceProcess): Promise<string | undefined> {
  const response = await fetch(`${instance.url}/health/ready`);
  return ((await response.json()) as { relay?: { state: string } }).relay?.state;
}
