import { ConflictError } from '../common/errors';

const UNIQUE_VIOLATION = '23505';

/**
 * Runs an INSERT and turns PostgreSQL's unique violation into a ConflictError.
 * The unique constraint is the arbiter, so two concurrent creates of one key
 * cannot both succeed the way a read-then-insert would let them.
 */
export async function conflictOnDuplicate<T>(
  insert: Promise<T>,
  conflict: () => ConflictError,
): Promise<T> {
  try {
    return await insert;
  } catch (error) {
    if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) throw conflict();
    throw error;
  }
}
