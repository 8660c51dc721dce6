import { FieldProblem } from './errors';
import { fieldPath } from './validation';

/**
 * C0 control characters other than tab, line feed and carriage return, and
 * DEL. PostgreSQL cannot store NUL in text or jsonb at all; the others mean
 * nothing in a name, key or label and only hide what a value says.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Half of a UTF-16 surrogate pair without its other half: jsonb refuses it, UTF-8 cannot hold it. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const CONTROL_CHARACTER_PROBLEM =
  'must not contain control characters (such as NUL) or unpaired UTF-16 surrogates';

/** Printable ASCII, tab, line feed and carriage return: nearly every string, settled in one scan. */
const PRINTABLE_ASCII = /^[\t\n\r\u0020-\u007E]*$/;

/** Whether a client's string can be stored and shown as it is. */
export function isPlainText(value: string): boolean {
  return (
    PRINTABLE_ASCII.test(value) ||
    (!CONTROL_CHARACTER.test(value) && !UNPAIRED_SURROGATE.test(value))
  );
}

/**
 * The first string (or object key) anywhere in `value` that is not plain
 * text, named as the API names fields. Iterative, so no depth of nesting a
 * client sends can overflow the stack. `skip` leaves out the paths a route
 * checks itself (the events of a batch, each refused on its own).
 */
export function findUnplainText(
  value: unknown,
  prefix: readonly PropertyKey[] = [],
  skip: (path: readonly PropertyKey[]) => boolean = () => false,
): FieldProblem | null {
  const pending: Array<[unknown, readonly PropertyKey[]]> = [[value, prefix]];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (skip(path)) continue;
    if (typeof current === 'string') {
      if (!isPlainText(current))
        return { field: fieldPath(path), problem: CONTROL_CHARACTER_PROBLEM };
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push([item, [...path, index]]));
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        if (!isPlainText(key))
          return {
            field: fieldPath(path) || 'body',
            problem: `has a key that ${CONTROL_CHARACTER_PROBLEM}`,
          };
        pending.push([item, [...path, key]]);
      }
    }
  }
  return null;
}
