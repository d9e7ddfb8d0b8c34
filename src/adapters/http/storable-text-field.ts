import { maxTextLength } from '../../domain/campaign-rules.js';
import { storableTextProblem } from '../../domain/storable-text.js';

/**
 * A text field of a request body that will be stored: a string that passes the storable-text rules (no NUL or
 * other control characters, no unpaired surrogate, at most the field's length in code points), or undefined
 * after naming the field's problem. Every stored text field of a body is read through it.
 */
export function storableText(
  value: unknown,
  field: string,
  problem: (field: string, message: string) => void,
): string | undefined {
  if (typeof value !== 'string') {
    problem(field, 'must be a string');
    return undefined;
  }
  const message = storableTextProblem(value, maxTextLength(field));
  if (message !== undefined) {
    problem(field, message);
    return undefined;
  }
  return value;
}
