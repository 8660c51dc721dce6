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
