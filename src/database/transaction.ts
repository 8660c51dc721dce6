import { DataSource, EntityManager } from 'typeorm';

/** What a repository needs to run SQL: the data source itself or a transaction's manager. */
export type Queryable = Pick<EntityManager, 'query'>;

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';

/**
 * Runs `work` in one transaction, retried a few times when PostgreSQL reports a
 * deadlock or serialization failure: both leave nothing written and are safe
 * to retry because every write we make is idempotent.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const retriable = code === SERIALIZATION_FAILURE || code === DEADLOCK_DETECTED;
      if (!retriable || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}
