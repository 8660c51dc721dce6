import { z } from 'zod';
import { FieldProblem } from '../../common/errors';
import { toFieldProblems } from '../../common/validation';

/** For schema specs: the problems a client would get for `input`, none when it is valid. */
export function fieldProblemsOf(schema: z.ZodType, input: unknown, prefix = ''): FieldProblem[] {
  const result = schema.safeParse(input);
  return result.success ? [] : toFieldProblems(result.error, prefix);
}
