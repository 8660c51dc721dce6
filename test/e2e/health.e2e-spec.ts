import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/test-app';

describe('health and docs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('reports the database as up without a key', async () => {
    const response = await t.http().get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', database: { status: 'up' } });
  });

  it('answers liveness without a key', async () => {
    const response = await t.http().get('/health/live');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('is ready when the database answers and every migration is applied, not before', async () => {
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      database: { status: 'up' },
      migrations: { status: 'applied', pending: [] },
      shuttingDown: false,
    });

    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const [last] = (
        await db.query<{ id: number; timestamp: string; name: string }>(
          'DELETE FROM schema_migrations WHERE id = (SELECT max(id) FROM schema_migrations) RETURNING *',
        )
      ).rows;
      const behind = await t.http().get('/health/ready');
      expect(behind.status).toBe(503);
      expect(behind.body.migrations).toEqual({ status: 'pending', pending: [last.name] });
      await db.query('INSERT INTO schema_migrations (id, timestamp, name) VALUES ($1, $2, $3)', [
        last.id,
        last.timestamp,
        last.name,
      ]);
    } finally {
      await db.end();
    }
    expect((await t.http().get('/health/ready')).status).toBe(200);
  });

  it('serves the OpenAPI document generated from the code', async () => {
    const response = await t.http().get('/docs/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/v1/api-keys']),
    );
    const page = await t.http().get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger');
  });

  it('answers invalid JSON with a 400 in the contract shape', async () => {
    const response = await t.admin
      .post('/v1/api-keys', '{"name": ')
      .set('Content-Type', 'application/json');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_json');
  });
});
