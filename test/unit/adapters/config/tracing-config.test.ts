import fc from 'fast-check';
import { loadConfig } from '../../../../src/adapters/config/config.js';
import { SAMPLER_NAMES } from '../../../../src/adapters/config/tracing-config.js';
import { configProblems } from '../../../support/config-problems.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const problemNames = (env: Record<string, string>) => configProblems(env).map((problem) => problem.split(' ')[0]);

/** Text that is not blank. */
const someText = fc.string({ minLength: 1, maxLength: 20 }).filter((text) => text.trim() !== '');

/** What a person may write for a number that is no whole decimal number: the SDK would go on with its default. */
const notAWholeNumber = fc.oneof(
  fc.constantFrom('ten', '5s', '1e3', '0x10', '-1', '+5', '2.5', '1 000', 'NaN', 'Infinity'),
  someText.filter((text) => !/^\s*\d+\s*$/.test(text)),
);

/** Each OTEL_* variable read by the SDK with a fixed form, and values of it the SDK would not read as written. */
const unreadableSdkValues = fc.oneof(
  fc.tuple(
    fc.constantFrom(
      'OTEL_BSP_SCHEDULE_DELAY',
      'OTEL_BSP_EXPORT_TIMEOUT',
      'OTEL_BSP_MAX_QUEUE_SIZE',
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
      'OTEL_SPAN_LINK_COUNT_LIMIT',
      'OTEL_EXPORTER_OTLP_TIMEOUT',
      'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
    ),
    notAWholeNumber,
  ),
  fc.tuple(
    fc.constantFrom('OTEL_EXPORTER_OTLP_COMPRESSION', 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION'),
    someText.filter((text) => !['gzip', 'none'].includes(text.trim())),
  ),
  fc.tuple(
    fc.constant('OTEL_SDK_DISABLED'),
    someText.filter((text) => !['true', 'false'].includes(text.trim().toLowerCase())),
  ),
  fc.tuple(
    fc.constant('OTEL_RESOURCE_ATTRIBUTES'),
    fc.oneof(
      fc.constantFrom('garbage', 'team=a=b', '=value', 'key=%zz', `key=${'v'.repeat(256)}`),
      fc
        .tuple(fc.stringMatching(/^[a-z.]{1,10}$/), fc.stringMatching(/^[a-z]{1,10}$/))
        .map(([key, value]) => `deployment.environment.name=prod,${key}${value}`),
    ),
  ),
);

describe('Configuration of trace export (the standard OTEL_* variables)', () => {
  const tracing = (env: Record<string, string>) => loadConfig(env).tracing;

  it('exports nothing when no exporter and no OTLP endpoint is configured', () => {
    expect(tracing({})).to.deep.equal({
      exporters: [],
      otlpProtocol: 'http/protobuf',
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      linkCountLimit: 10_000,
    });
  });

  it('exports over OTLP as soon as an endpoint is configured, in http/protobuf unless told otherwise', () => {
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).to.include({
      otlpProtocol: 'http/protobuf',
    });
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporters).to.deep.equal(['otlp']);
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

  it("takes each of the SDK's samplers by name, and a ratio from 0 to 1 (1 when unset)", () => {
    for (const name of SAMPLER_NAMES)
      expect(tracing({ OTEL_TRACES_SAMPLER: name }).sampler).to.deep.equal({ name, ratio: 1 });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (ratio) => {
        const written = ratio.toFixed(6);
        expect(
          tracing({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: written }).sampler,
        ).to.deep.equal({ name: 'parentbased_traceidratio', ratio: Number(written) });
      }),
      propertyParameters(50),
    );
  });

  it('refuses a sampler the SDK does not know, naming OTEL_TRACES_SAMPLER, instead of sampling as by default', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom('always-on', 'AlwaysOff', 'parentbased_always_on ', 'ratio', 'jaeger_remote'),
          someText.filter((text) => !(SAMPLER_NAMES as readonly string[]).includes(text)),
        ),
        (name) => {
          expect(problemNames({ OTEL_TRACES_SAMPLER: name })).to.deep.equal(['OTEL_TRACES_SAMPLER']);
        },
      ),
      propertyParameters(100),
    );
  });

  it('refuses a sampler ratio that is not a decimal number from 0 to 1, naming OTEL_TRACES_SAMPLER_ARG', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .double({ noNaN: true })
            .filter((ratio) => ratio < 0 || ratio > 1)
            .map(String),
          fc.constantFrom('abc', '10%', '1/2', '0,5', '1e-1', 'NaN'),
          someText.filter((text) => Number.isNaN(Number(text))),
        ),
        (arg) => {
          expect(problemNames({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: arg })).to.deep.equal([
            'OTEL_TRACES_SAMPLER_ARG',
          ]);
        },
      ),
      propertyParameters(100),
    );
  });

  it('refuses, naming the variable, a value the SDK would drop for its default without a word', () => {
    fc.assert(
      fc.property(unreadableSdkValues, ([name, value]) => {
        expect(problemNames({ [name]: value })).to.deep.equal([name]);
      }),
      propertyParameters(200),
    );
  });

  it('takes the values the SDK reads as written, and a blank one as unset', () => {
    expect(
      configProblems({
        OTEL_BSP_SCHEDULE_DELAY: '0',
        OTEL_BSP_MAX_QUEUE_SIZE: ' 4096 ',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512',
        OTEL_EXPORTER_OTLP_TIMEOUT: '10000',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
        OTEL_SDK_DISABLED: 'FALSE',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=production, team=growth%2Cretention,',
        OTEL_SPAN_LINK_COUNT_LIMIT: '',
        OTEL_TRACES_SAMPLER: '',
        OTEL_TRACES_SAMPLER_ARG: ' ',
      }),
    ).to.deep.equal([]);
  });

  it('links a publish to up to 10,000 events unless OTEL_SPAN_LINK_COUNT_LIMIT says otherwise, a blank one included', () => {
    expect(tracing({ OTEL_SPAN_LINK_COUNT_LIMIT: '' }).linkCountLimit).to.equal(10_000);
    expect(tracing({ OTEL_SPAN_LINK_COUNT_LIMIT: '200' }).linkCountLimit).to.equal(200);
  });
});
