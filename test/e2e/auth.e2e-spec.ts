import { RequestMethod } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from '../../src/auth/scopes';
import { startTestApp, TestApp } from '../support/test-app';

describe('API keys and scopes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 401 without a key and with an unknown key', async () => {
    const none = await t.http().get('/v1/api-keys');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const wrong = await t.http().get('/v1/api-keys').set('Authorization', 'Bearer nope');
    expect(wrong.status).toBe(401);
  });

  it('creates a key shown once, lists it without the secret, and revokes it at once', async () => {
    const created = await t.admin.post('/v1/api-keys', { name: 'reporting', scope: 'read' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'reporting', scope: 'read' });
    expect(created.body.key).toMatch(/^urs_/);

    const listed = await t.admin.get('/v1/api-keys');
    const entry = listed.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(entry).toMatchObject({ name: 'reporting', scope: 'read', revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    const withKey = () =>
      t.http().get('/health/nothing').set('Authorization', `Bearer ${created.body.key}`);
    expect((await withKey()).status).toBe(404);

    expect((await t.admin.delete(`/v1/api-keys/${created.body.id}`)).status).toBe(204);
    const afterRevoke = await t
      .http()
      .get('/v1/api-keys')
      .set('Authorization', `Bearer ${created.body.key}`);
    expect(afterRevoke.status).toBe(401);
  });

  it('answers 403 when the key lacks the scope', async () => {
    const created = await t.admin.post('/v1/api-keys', { name: 'ingest', scope: 'ingest' });
    const response = await t
      .http()
      .get('/v1/api-keys')
      .set('Authorization', `Bearer ${created.body.key}`);
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ code: 'forbidden' });
  });

  it('rejects a bad key request naming the field', async () => {
    const response = await t.admin.post('/v1/api-keys', { name: 'x', scope: 'owner' });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([
      { field: 'scope', problem: 'must be one of admin, read, ingest, check' },
    ]);
  });

  it('answers 404 when revoking an unknown key', async () => {
    const response = await t.admin.delete('/v1/api-keys/00000000-0000-0000-0000-000000000000');
    expect(response.status).toBe(404);
  });

  it('requires a key on every route but /health and unsubscribe links (walks the route table)', async () => {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const reflector = t.app.get(Reflector);
    const routes: Array<{ method: string; path: string; isPublic: boolean }> = [];
    for (const wrapper of discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const base = String(reflector.get(PATH_METADATA, metatype) ?? '');
      const prototype = Object.getPrototypeOf(instance);
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        const path = reflector.get(PATH_METADATA, handler);
        if (path === undefined) continue;
        const method = RequestMethod[reflector.get(METHOD_METADATA, handler) as RequestMethod];
        const isPublic = Boolean(reflector.getAllAndOverride(PUBLIC_ROUTE, [handler, metatype]));
        routes.push({
          method,
          path: `/${base}/${String(path)}`.replace(/\/+/g, '/').replace(/\/$/, ''),
          isPublic,
        });
      }
    }
    expect(routes.length).toBeGreaterThan(3);
    // Public on purpose: the health check, the unsubscribe link of customer
    // e-mails, whose per-customer token is the credential, and the dashboard's
    // static shell and files, which hold no data (its script reads the API with a key);
    // the customer usage page, whose per-customer token is the credential (rate limited), and its files.
    expect(
      routes
        .filter((r) => r.isPublic)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([
      'GET /dashboard',
      'GET /dashboard/assets/:name',
      'GET /health',
      'GET /usage-assets/:name',
      'GET /usage/:token',
      'GET /usage/:token/calculator',
      'GET /usage/:token/invoices/:invoiceId',
      'GET /v1/email-preferences/unsubscribe',
      'POST /usage/:token/requests',
      'POST /v1/email-preferences/unsubscribe',
    ]);

    for (const route of routes.filter((r) => !r.isPublic)) {
      const path = route.path.replace(/:[A-Za-z]+/g, 'x');
      const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      const response = await t.http()[method](path).send({});
      expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });
});
