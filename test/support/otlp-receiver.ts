import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedLink {
  traceId: string;
  spanId: string;
}

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  links: ReceivedLink[];
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/**
 * An OTLP/HTTP trace receiver, as a collector or Jaeger runs one on port 4318: it takes POST /v1/traces in both
 * encodings (http/json and http/protobuf, gzip or not), answers success, and keeps every span it was sent.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** How many exports it refused. */
  refused = 0;

  /** `refuseWith`: answer every export with this status instead (a collector that refuses the spans). */
  static async start(refuseWith?: number): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        if (refuseWith !== undefined) {
          receiver!.refused++;
          res.writeHead(refuseWith, { 'content-type': 'application/json' }).end('{"code":3,"message":"refused"}');
          return;
        }
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
        receiver!.contentTypes.add(type);
        if (type === 'application/json') {
          receiver!.spans.push(...spansFromJson(JSON.parse(body.toString())));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else if (type === 'application/x-protobuf') {
          receiver!.spans.push(...spansFromProtobuf(body));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        } else {
          res.writeHead(415).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new OtlpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  inTrace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  named(name: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.name === name);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---- http/json: ids are hex, attribute values are AnyValue objects.

interface JsonKeyValue {
  key: string;
  value: Record<string, unknown>;
}

function spansFromJson(request: any): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans: any) => {
    const service = String(jsonAttributes(resourceSpans.resource?.attributes)['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans: any) =>
      (scopeSpans.spans ?? []).map(
        (span: any): ReceivedSpan => ({
          service,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: Number(span.kind),
          attributes: jsonAttributes(span.attributes),
          links: (span.links ?? []).map((link: any) => ({ traceId: link.traceId, spanId: link.spanId })),
          statusCode: Number(span.status?.code ?? 0),
        }),
      ),
    );
  });
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if ('stringValue' in value) out[key] = String(value.stringValue);
    else if ('intValue' in value) out[key] = Number(value.intValue);
    else if ('doubleValue' in value) out[key] = Number(value.doubleValue);
    else if ('boolValue' in value) out[key] = Boolean(value.boolValue);
  }
  return out;
}

// ---- http/protobuf: opentelemetry/proto/collector/trace/v1 ExportTraceServiceRequest, read field by field.

interface Field {
  no: number;
  varint?: bigint;
  bytes?: Buffer;
}

function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[at++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
  };
  while (at < buffer.length) {
    const key = varint();
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      out.push({ no, varint: varint() });
      continue;
    }
    const length = wire === 1 ? 8 : wire === 5 ? 4 : wire === 2 ? Number(varint()) : undefined;
    if (length === undefined) throw new Error(`unexpected protobuf wire type ${wire}`);
    out.push({ no, bytes: buffer.subarray(at, at + length) });
    at += length;
  }
  return out;
}

const all = (list: Field[], no: number) => list.filter((f) => f.no === no);
const one = (list: Field[], no: number) => list.find((f) => f.no === no);
const text = (field: Field | undefined) => field?.bytes?.toString('utf8') ?? '';
const hex = (field: Field | undefined) => field?.bytes?.toString('hex') ?? '';

function protobufAttributes(list: Field[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const keyValue of list.map((f) => fields(f.bytes!))) {
    const value = fields(one(keyValue, 2)?.bytes ?? Buffer.alloc(0));
    const key = text(one(keyValue, 1));
    const string = one(value, 1);
    const bool = one(value, 2);
    const int = one(value, 3);
    const double = one(value, 4);
    if (string) out[key] = text(string);
    else if (bool) out[key] = bool.varint === 1n;
    else if (int) out[key] = Number(BigInt.asIntN(64, int.varint!));
    else if (double) out[key] = double.bytes!.readDoubleLE(0);
  }
  return out;
}

function spansFromProtobuf(body: Buffer): ReceivedSpan[] {
  return all(fields(body), 1).flatMap((resourceSpansField) => {
    const resourceSpans = fields(resourceSpansField.bytes!);
    const resource = fields(one(resourceSpans, 1)?.bytes ?? Buffer.alloc(0));
    const service = String(protobufAttributes(all(resource, 1))['service.name'] ?? '');
    return all(resourceSpans, 2).flatMap((scopeSpansField) =>
      all(fields(scopeSpansField.bytes!), 2).map((spanField): ReceivedSpan => {
        const span = fields(spanField.bytes!);
        const status = fields(one(span, 15)?.bytes ?? Buffer.alloc(0));
        return {
          service,
          traceId: hex(one(span, 1)),
          spanId: hex(one(span, 2)),
          parentSpanId: hex(one(span, 4)),
          name: text(one(span, 5)),
          kind: Number(one(span, 6)?.varint ?? 0n),
          attributes: protobufAttributes(all(span, 9)),
          links: all(span, 13).map((linkField) => {
            const link = fields(linkField.bytes!);
            return { traceId: hex(one(link, 1)), spanId: hex(one(link, 2)) };
          }),
          statusCode: Number(one(status, 3)?.varint ?? 0n),
        };
      }),
    );
  });
}
