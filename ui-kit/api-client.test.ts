import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, buildQuery, parseApiError, parseRetryAfter } from './api-client';

describe('parseApiError', () => {
  it('reads code, message and field errors', () => {
    const error = parseApiError(400, {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Check the highlighted fields.',
        fields: [
          { path: 'email', message: 'Enter a valid email address' },
          { path: ['contacts', 0, 'name'], message: 'Required' },
          { nonsense: true },
        ],
      },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('Check the highlighted fields.');
    expect(error.fields).toEqual([
      { path: 'email', message: 'Enter a valid email address' },
      { path: 'contacts.0.name', message: 'Required' },
    ]);
    expect(error.fieldMessage('email')).toBe('Enter a valid email address');
    expect(error.fieldMessage('password')).toBeUndefined();
  });

  it('reads a code without a message', () => {
    const error = parseApiError(401, { error: { code: 'AUTH_REQUIRED' } });
    expect(error.code).toBe('AUTH_REQUIRED');
    expect(error.message).toBe('You need to sign in.');
    expect(error.fields).toEqual([]);
  });

  it('falls back for bodies that are not the error envelope', () => {
    expect(parseApiError(502, undefined).code).toBe('HTTP_ERROR');
    expect(parseApiError(502, undefined).message).toMatch(/on our side/);
    expect(parseApiError(500, { message: 'stack trace' }).message).not.toMatch(/stack/);
    expect(parseApiError(418, 'teapot').message).toBe('Request failed (418).');
    expect(parseApiError(400, { error: 'bad' }).code).toBe('HTTP_ERROR');
  });

  it('keeps Retry-After seconds for rate limiting', () => {
    const error = parseApiError(429, { error: { code: 'AUTH_RATE_LIMITED', message: 'Try again in 15 minutes.' } }, '900');
    expect(error.code).toBe('AUTH_RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(900);
  });
});

describe('parseRetryAfter', () => {
  it('parses seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = new Date('2025-03-01T12:00:00Z');
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:01:30 GMT', now)).toBe(90);
  });
});

describe('buildQuery', () => {
  it('leaves out empty values', () => {
    expect(buildQuery({ search: '', page: 2, pageSize: 25, filter: undefined })).toBe('?page=2&pageSize=25');
    expect(buildQuery({})).toBe('');
    expect(buildQuery({ search: 'a&b' })).toBe('?search=a%26b');
  });
});

interface Recorded {
  url: string;
  init: RequestInit;
}

function fakeFetch(respond: () => Response) {
  const calls: Recorded[] = [];
  const fetch = (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve(respond());
  };
  return { calls, fetch };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

describe('ApiClient', () => {
  it('sends the CSRF token on non-GET requests only, with same-origin credentials', async () => {
    const { calls, fetch } = fakeFetch(() => json(200, { ok: true }));
    const api = new ApiClient({ basePath: '/api/app/', fetch });
    api.setCsrfToken('tok-123');

    await api.get('/clients', { query: { search: 'acme', page: 1 } });
    await api.post('/api-keys', { name: 'PSA' });
    await api.delete('/api-keys/k1');

    expect(calls.map((call) => [call.init.method, call.url])).toEqual([
      ['GET', '/api/app/clients?search=acme&page=1'],
      ['POST', '/api/app/api-keys'],
      ['DELETE', '/api/app/api-keys/k1'],
    ]);
    const headers = calls.map((call) => call.init.headers as Record<string, string>);
    expect(headers[0]?.['X-CSRF-Token']).toBeUndefined();
    expect(headers[1]?.['X-CSRF-Token']).toBe('tok-123');
    expect(headers[1]?.['Content-Type']).toBe('application/json');
    expect(headers[2]?.['X-CSRF-Token']).toBe('tok-123');
    expect(calls.every((call) => call.init.credentials === 'same-origin')).toBe(true);
    expect(calls[1]?.init.body).toBe('{"name":"PSA"}');
  });

  it('returns undefined for 204', async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 204 }));
    const api = new ApiClient({ basePath: '/api/app', fetch });
    await expect(api.post('/logout')).resolves.toBeUndefined();
  });

  it('throws a typed ApiError from the error body', async () => {
    const { fetch } = fakeFetch(() =>
      json(429, { error: { code: 'AUTH_RATE_LIMITED', message: 'Try again in 5 minutes.' } }, { 'Retry-After': '300' }),
    );
    const api = new ApiClient({ basePath: '/api/portal', fetch });
    const error = await api.post('/login', { email: 'a@b.c', password: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('AUTH_RATE_LIMITED');
    expect((error as ApiError).message).toBe('Try again in 5 minutes.');
    expect((error as ApiError).retryAfterSeconds).toBe(300);
  });

  it('reports AUTH_REQUIRED to listeners unless told not to', async () => {
    const { fetch } = fakeFetch(() => json(401, { error: { code: 'AUTH_REQUIRED', message: 'Sign in.' } }));
    const api = new ApiClient({ basePath: '/api/app', fetch });
    let reports = 0;
    const unsubscribe = api.onAuthRequired(() => {
      reports += 1;
    });

    await expect(api.get('/clients')).rejects.toMatchObject({ code: 'AUTH_REQUIRED', status: 401 });
    await expect(api.get('/session', { reportAuthRequired: false })).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(reports).toBe(1);
    unsubscribe();
    await expect(api.get('/clients')).rejects.toBeInstanceOf(ApiError);
    expect(reports).toBe(1);
  });

  it('does not report other 401 codes', async () => {
    const { fetch } = fakeFetch(() => json(401, { error: { code: 'AUTH_INVALID_CREDENTIALS', message: 'Wrong.' } }));
    const api = new ApiClient({ basePath: '/api/app', fetch });
    let reports = 0;
    api.onAuthRequired(() => {
      reports += 1;
    });
    await expect(api.post('/login', {})).rejects.toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    expect(reports).toBe(0);
  });

  it('turns a failed fetch into NETWORK_ERROR and an unreadable body into INVALID_RESPONSE', async () => {
    const offline = new ApiClient({ basePath: '/api', fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(offline.get('/session')).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });

    const garbled = new ApiClient({ basePath: '/api', fetch: () => Promise.resolve(new Response('<html>', { status: 200 })) });
    await expect(garbled.get('/session')).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });

    const proxyError = new ApiClient({ basePath: '/api', fetch: () => Promise.resolve(new Response('<html>Bad gateway', { status: 502 })) });
    await expect(proxyError.get('/session')).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 502 });
  });
});
