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
});
