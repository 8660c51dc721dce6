/** One problem with one field of a request, as the API contract reports it. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/**
 * A failure the caller can act on. `code` is the stable snake_case word of the
 * API contract; the HTTP status is chosen in one place, the exception filter.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  constructor(details: FieldProblem[], message = describeProblems(details)) {
    super('validation_failed', message, details);
  }

  static field(field: string, problem: string): ValidationFailedError {
    return new ValidationFailedError([{ field, problem }]);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, key: string) {
    super('not_found', `no ${what} with key '${key}'`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: FieldProblem[] = []) {
    super('conflict', message, details);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'an API key is required: send Authorization: Bearer <key>') {
    super('unauthorized', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}

function describeProblems(details: FieldProblem[]): string {
  if (details.length === 0) return 'the request is not valid';
  const [first] = details;
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem(s))` : '';
  return `${first.field || 'body'} ${first.problem}${more}`;
}
