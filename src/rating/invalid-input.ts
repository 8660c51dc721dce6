import { Decimal } from '../common/decimal';
import { DomainError } from '../common/errors';

/**
 * Usage or a rate the engine cannot price (a negative quantity, events given to a
 * quantity model...). Validation at the edge should have caught it; if it did not,
 * it still reaches the client as a 400 `validation_failed`, never as a 500.
 */
export class InvalidRatingInputError extends DomainError {
  constructor(message: string) {
    super('validation_failed', message);
  }
}

export function requireNonNegative(value: Decimal, what: string): void {
  // lt(0) rather than isNegative(): -0 is a valid zero.
  if (!value.isFinite() || value.lt(0)) {
    throw new InvalidRatingInputError(
      `${what} must be a non-negative number, got ${value.toFixed()}`,
    );
  }
}

export function requireWholeNumber(value: Decimal, what: string): void {
  requireNonNegative(value, what);
  if (!value.isInteger()) {
    throw new InvalidRatingInputError(`${what} must be a whole number, got ${value.toFixed()}`);
  }
}
