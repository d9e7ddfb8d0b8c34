import { loadConfig } from '../../../../src/adapters/config/config.js';
import { configProblems } from '../../../support/config-problems.js';
import { expect } from '../../../support/expect.js';

describe('Configuration of trace export (the standard OTEL_* variables)', () => {
  const tracing = (env: Record<string, string>) => loadConfig(env).tracing;

  it('exports nothing when no exporter and no OTLP endpoint is configured', () => {
    expect(tracing({})).to.deep.equal({ exporters: [], otlpProtocol: 'http/protobuf' });
  });

  it('exports over OTLP as soon as an endpoint is configured, in http/protobuf unless told otherwise', () => {
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).to.deep.equal({
      exporters: ['otlp'],
      otlpProtocol: 'http/protobuf',
    });
    expect(tracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/v1/traces' }).exporters).to.deep.equal([
      'otlp',
    ]);
  });

  it('takes http/json from OTEL_EXPORTER_OTLP_PROTOCOL, and the traces-only variable over it', () => {
    expect(tracing({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).otlpProtocol).to.equal('http/json');
    expect(
      tracing({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })
        .otlpProtocol,
    ).to.equal('http/protobuf');
  });

  it('follows OTEL_TRACES_EXPORTER: otlp (default endpoint), console, both, or none even with an endpoint', () => {
    expect(tracing({ OTEL_TRACES_EXPORTER: 'otlp' }).exporters).to.deep.equal(['otlp']);
    expect(tracing({ OTEL_TRACES_EXPORTER: 'console' }).exporters).to.deep.equal(['console']);
    expect(tracing({ OTEL_TRACES_EXPORTER: 'OTLP, console' }).exporters).to.deep.equal(['otlp', 'console']);
    expect(
      tracing({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporters,
    ).to.deep.equal([]);
  });

  it('exports nothing with OTEL_SDK_DISABLED=true', () => {
    expect(
      tracing({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporters,
    ).to.deep.equal([]);
  });

  it('refuses what it cannot do, naming the variable: gRPC, an unknown exporter, an endpoint that is no URL', () => {
    expect(configProblems({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).to.deep.equal([
      'OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (OTLP over HTTP, port 4318)',
    ]);
    expect(configProblems({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'thrift' })[0]).to.match(
      /^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL /,
    );
    expect(configProblems({ OTEL_TRACES_EXPORTER: 'zipkin' })[0]).to.match(/^OTEL_TRACES_EXPORTER /);
    expect(configProblems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })[0]).to.match(
      /^OTEL_EXPORTER_OTLP_ENDPOINT /,
    );
  });

  it("reports its problems together with the other variables'", () => {
    expect(
      configProblems({ PORT: 'eighty', OTEL_TRACES_EXPORTER: 'jaeger' }).map((p) => p.split(' ')[0]),
    ).to.deep.equal(['PORT', 'OTEL_TRACES_EXPORTER']);
  });
});
