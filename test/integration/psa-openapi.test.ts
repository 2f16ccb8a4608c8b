// The API description is complete and served: every route mounted under /api is in
// docs/openapi.yaml, every stable error code is listed, every $ref resolves, and /api/docs serves a
// readable page and the YAML itself.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_PATH } from '../../server/http/api-docs';
import { ERROR_STATUS } from '../../server/http/app-error';
import { createApp } from '../../server/http/create-app';
import { startTestApp, testContext, type TestApp } from '../support/test-app';

const spec = parse(readFileSync(OPENAPI_PATH, 'utf8')) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: any };

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
}

/** Every (method, path) of an Express 5 app, with mount paths joined and `:id` written `{id}`. */
function mountedRoutes(stack: Layer[], prefix = ''): Array<{ method: string; path: string }> {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      return paths.flatMap((p) =>
        Object.keys(layer.route!.methods)
          .filter((m) => m !== '_all')
          .map((method) => ({ method, path: (prefix + p).replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1') })),
      );
    }
    if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return mountedRoutes(layer.handle.stack, prefix + mount);
    }
    return [];
  });
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('docs/openapi.yaml', () => {
  it('is OpenAPI 3.1 and documents every route mounted under /api', () => {
    expect(spec.openapi).toBe('3.1.0');
    const express = createApp(testContext(app.db.database), { webRoot: '/nonexistent' }) as unknown as { router: { stack: Layer[] } };
    const routes = mountedRoutes(express.router.stack).filter((r) => r.path.startsWith('/api/'));
    expect(routes.length).toBeGreaterThan(20);
    expect(routes).toContainEqual({ method: 'post', path: '/api/psa/clients' });
    const undocumented = routes.filter((r) => !spec.paths[r.path]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(undocumented).toEqual([]);
  });

  it('lists every stable error code', () => {
    const documented = spec.components.schemas.Error.properties.error.properties.code.enum as string[];
    expect(Object.keys(ERROR_STATUS).filter((c) => !documented.includes(c))).toEqual([]);
  });

  it('has no dangling $ref', () => {
    const refs = [...JSON.stringify(spec).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
    for (const ref of new Set(refs)) {
      const target = ref.split('/').reduce<any>((node, key) => node?.[key], spec);
      expect(target, ref).toBeDefined();
    }
  });
});

describe('GET /api/docs', () => {
  it('serves a self-contained HTML page listing the operations', async () => {
    const res = await fetch(`${app.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('Settle API');
    expect(html).toContain('/api/psa/clients');
    expect(html).toContain('/api/app/settings/psa-webhook');
    expect(html).not.toMatch(/<script|https?:\/\/(?!localhost)[a-z0-9.-]+\/[^"]*\.(js|css)/i);
  });

  it('serves the YAML itself', async () => {
    const res = await fetch(`${app.url}/api/docs/openapi.yaml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('yaml');
    expect(parse(await res.text()).paths['/api/psa/payments']).toBeDefined();
  });
});
