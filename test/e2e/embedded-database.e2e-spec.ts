import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { startTestApp, TestApp } from '../support/test-app';

/** The default a newcomer gets: no DATABASE_URL, so the service runs on embedded PGlite. */
describe('service on embedded PGlite (smoke)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ embedded: true });
  });
  afterAll(() => t.close());

  it('applies the migrations and serves requests', async () => {
    expect(t.config.database.kind).toBe('pglite');
    expect((await t.http().get('/health')).body.database.status).toBe('up');
    const created = await t.admin.post('/v1/api-keys', { name: 'smoke', scope: 'ingest' });
    expect(created.status).toBe(201);
    const listed = await t.admin.get('/v1/api-keys');
    expect(listed.body.data.map((k: { name: string }) => k.name)).toEqual(['smoke']);
  });

  // Each query runner holds an "error" listener on PGlite's one shared pool
  // while it runs. Node warns (MaxListenersExceededWarning, over the demo's
  // progress bar) once an emitter holds more listeners than its cap.
  it('runs many transactions at once under the pool listener cap', async () => {
    const db = t.app.get(DataSource);
    const pool = (db.driver as PostgresDriver).master as EventEmitter;
    let most = 0;
    await Promise.all(
      Array.from({ length: 30 }, () =>
        db.transaction(async (manager) => {
          most = Math.max(most, pool.listenerCount('error'));
          await manager.query('SELECT pg_sleep(0.01)');
        }),
      ),
    );
    // More than Node's default 10 at once is normal here, not a leak.
    expect(most).toBeGreaterThan(10);
    const cap = pool.getMaxListeners();
    expect(cap === 0 || most <= cap).toBe(true);
  });
});
