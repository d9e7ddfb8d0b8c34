import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const DOCUMENT = join('docs', 'openapi.yaml');

/** The API's contract, docs/openapi.yaml, read once at startup and served as JSON at GET /openapi.json. */
export function loadOpenApiDocument(path = findDocument()): Record<string, unknown> {
  const document: unknown = parse(readFileSync(path, 'utf8'));
  if (typeof document !== 'object' || document === null || !('openapi' in document)) {
    throw new Error(`${path} is not an OpenAPI document`);
  }
  return document as Record<string, unknown>;
}

/** The project folder holding docs/, whether this runs from src/ or from the compiled dist/src/. */
function findDocument(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, DOCUMENT))) return join(dir, DOCUMENT);
    if (dirname(dir) === dir) throw new Error(`${DOCUMENT} not found above ${fileURLToPath(import.meta.url)}`);
  }
}
