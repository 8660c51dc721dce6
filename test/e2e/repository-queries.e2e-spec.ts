import { DataSource, QueryRunner } from 'typeorm';
import { startTestApp, TestApp } from '../support/test-app';
import { sqlStatements } from '../support/sql-statements';

/** What PREPARE takes: it plans the statement, each parameter's type inferred, without running it. */
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|VALUES|MERGE)\b/i;

/**
 * Every SQL statement in src/ checked once against the migrated schema, so a
 * renamed column or table fails here, naming the file and the statement,
 * rather than in whichever e2e test happens to reach that query. Queries are
 * prepared; schema changes (a month's partition) and settings run for real.
 * All of it in one transaction rolled back at the end, each statement in a
 * savepoint so one failure does not hide the next.
 */
describe('SQL statements against the migrated schema', () => {
  let t: TestApp;
  let runner: QueryRunner;
  const { statements, unresolved } = sqlStatements();

  beforeAll(async () => {
    t = await startTestApp();
    runner = t.app.get(DataSource).createQueryRunner();
  });
  afterAll(async () => {
    await runner?.release();
    await t?.close();
  });

  it('composes every statement from the source', () => {
    expect(unresolved).toEqual([]);
    // A reader that lost its way would find nothing and pass: it finds them all.
    expect(statements.length).toBeGreaterThan(150);
  });

  it('plans every statement', async () => {
    const failures: string[] = [];
    await runner.startTransaction();
    try {
      for (const [index, { where, sql }] of statements.entries()) {
        await runner.query('SAVEPOINT statement');
        try {
          await runner.query(PREPARABLE.test(sql) ? `PREPARE statement_${index} AS ${sql}` : sql);
          await runner.query('RELEASE SAVEPOINT statement');
        } catch (error) {
          await runner.query('ROLLBACK TO SAVEPOINT statement');
          failures.push(`${where}: ${(error as Error).message}\n${sql.trim()}`);
        }
      }
    } finally {
      await runner.rollbackTransaction();
    }
    expect(failures).toEqual([]);
  });
});
