import Ajv from 'ajv';
import formats from 'ajv-formats';
import * as fc from 'fast-check';
import { loadConfig } from '../../src/adapters/config/config.js';
import { configProblems } from '../support/config-problems.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

/** docs/asyncapi.yaml's `ce_source`: a string of format uri-reference, as a consumer's validator reads it. */
const ajv = new Ajv.default();
(formats as unknown as (ajv: unknown) => void)(ajv);
const isUriReferenceToConsumers = ajv.compile({ type: 'string', format: 'uri-reference' });

const withKafka = (source: string) => ({ KAFKA_BROKERS: '127.0.0.1:9092', CLOUDEVENTS_SOURCE: source });

/** Texts near a source: URI characters, percent signs, and a few of what a URI must not hold. */
const sourceLike = fc.string({
  unit: fc.constantFrom(...'/:%abAB09-._~?#@!$&()*+,;=[]', 'ü', ' ', '<', '>', '{', '}', '|', '\\', '^', '`', '"', '€'),
  minLength: 1,
  maxLength: 20,
});

describe('CLOUDEVENTS_SOURCE, whatever text it holds', () => {
  it('takes only what a consumer validating ce_source as a uri-reference takes too', () => {
    fc.assert(
      fc.property(sourceLike, (source) => {
        if (configProblems(withKafka(source)).length > 0) return;
        const published = loadConfig(withKafka(source)).kafka!.eventSource;
        expect(isUriReferenceToConsumers(published), published).to.equal(true);
      }),
      propertyParameters(1000),
    );
  });

  it('takes every web address and path, and refuses a text with a character a URI cannot hold, naming the variable', () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.webPath()), (source) => {
        fc.pre(source.length > 0);
        expect(loadConfig(withKafka(source)).kafka?.eventSource).to.equal(source);
      }),
      propertyParameters(300),
    );
    for (const source of ['/campaign-ü', '/a%zz', '/a<b>', '/a|b'])
      expect(configProblems(withKafka(source))[0]).to.match(/^CLOUDEVENTS_SOURCE must be a URI reference/);
  });
});
