/**
 * Fetch wrapper for Settle's JSON API. Same-origin cookies carry the session; every non-GET request
 * carries the CSRF token handed out by the session endpoint. Every failure becomes an `ApiError`
 * with a stable `code`, so screens branch on codes and never on message text.
 */

export interface ApiFieldError {
  /** Dotted path of the invalid input, e.g. `email` or `contacts.0.email`. */
  path: string;
  message: string;
}

/** Codes the client itself produces when there is no server error body to read. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'INVALID_RESPONSE' | 'HTTP_ERROR';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when the request never got a response. */
  readonly status: number;
  /** Server code such as `AUTH_REQUIRED`, or one of `ClientErrorCode`. */
  readonly code: string;
  readonly fields: ApiFieldError[];
  /** Seconds from the `Retry-After` header (rate limiting), when the server sent one. */
  readonly retryAfterSeconds: number | null;

  constructor(options: {
    status: number;
    code: string;
    message: string;
    fields?: ApiFieldError[];
    retryAfterSeconds?: number | null;
  }) {
    super(options.message);
    this.status = options.status;
    this.code = options.code;
    this.fields = options.fields ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }

  /** The message for one input, e.g. `fieldMessage('email')`. */
  fieldMessage(path: string): string | undefined {
    return this.fields.find((field) => field.path === path)?.message;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseFields(value: unknown): ApiFieldError[] {
  if (!Array.isArray(value)) return [];
  const fields: ApiFieldError[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item.message !== 'string') continue;
    const path = Array.isArray(item.path) ? item.path.join('.') : item.path;
    if (typeof path !== 'string') continue;
    fields.push({ path, message: item.message });
  }
  return fields;
}

/** Parses a `Retry-After` header: delay in seconds, or an HTTP date. */
export function parseRetryAfter(header: string | null, now: Date = new Date()): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

const GENERIC_MESSAGES: Record<string, string> = {
  '400': 'The request was not valid.',
  '401': 'You need to sign in.',
  '403': 'You don’t have access to this.',
  '404': 'Not found.',
  '429': 'Too many requests. Try again shortly.',
};

/**
 * Turns an error response into an `ApiError`. `body` is the parsed JSON (or `undefined` when the
 * body was not JSON); the expected shape is `{error:{code,message,fields?:[{path,message}]}}`.
 * Pure, so it is unit-tested without a server.
 */
export function parseApiError(status: number, body: unknown, retryAfterHeader: string | null = null): ApiError {
  const retryAfterSeconds = parseRetryAfter(retryAfterHeader);
  const fallbackMessage =
    GENERIC_MESSAGES[String(status)] ??
    (status >= 500 ? 'Something went wrong on our side. Try again in a moment.' : `Request failed (${status}).`);
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  if (!error) {
    return new ApiError({ status, code: 'HTTP_ERROR', message: fallbackMessage, retryAfterSeconds });
  }
  const code = typeof error.code === 'string' && error.code !== '' ? error.code : 'HTTP_ERROR';
  const message = typeof error.message === 'string' && error.message !== '' ? error.message : fallbackMessage;
  return new ApiError({ status, code, message, fields: parseFields(error.fields), retryAfterSeconds });
}

export type QueryValue = string | number | boolean | null | undefined;

/** `{search:'', page:2}` → `?page=2`; empty, null and undefined values are left out. */
export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Whether a 401 `AUTH_REQUIRED` answer tells the session that it expired. Off for the session
   * probe itself, where 401 simply means "not signed in".
   */
  reportAuthRequired?: boolean;
}

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** e.g. `/api/portal`. */
  basePath: string;
  fetch?: Fetch;
}

export class ApiClient {
  private readonly basePath: string;
  private readonly fetchImpl: Fetch;
  private csrfToken: string | null = null;
  private readonly authRequiredListeners = new Set<() => void>();

  constructor(options: ApiClientOptions) {
    this.basePath = options.basePath.replace(/\/$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  /** Called whenever a request answers 401 `AUTH_REQUIRED`; returns an unsubscribe function. */
  onAuthRequired(listener: () => void): () => void {
    this.authRequiredListeners.add(listener);
    return () => this.authRequiredListeners.delete(listener);
  }

  get<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  delete<T = void>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;

    let response: Response;
    try {
      response = await this.fetchImpl(`${this.basePath}${path}${buildQuery(options.query)}`, {
        method,
        headers,
        credentials: 'same-origin',
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw new ApiError({
        status: 0,
        code: 'NETWORK_ERROR',
        message: 'Couldn’t reach the server. Check your connection and try again.',
      });
    }

    const text = await response.text();
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }

    if (!response.ok) {
      const error = parseApiError(response.status, body, response.headers.get('Retry-After'));
      if (error.status === 401 && error.code === 'AUTH_REQUIRED' && options.reportAuthRequired !== false) {
        for (const listener of this.authRequiredListeners) listener();
      }
      throw error;
    }
    if (text !== '' && body === undefined) {
      throw new ApiError({
        status: response.status,
        code: 'INVALID_RESPONSE',
        message: 'The server sent a response we couldn’t read. Try again in a moment.',
      });
    }
    return body as T;
  }
}
