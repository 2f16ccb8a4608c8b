// A minimal browser-like client for API tests: keeps cookies, sends the CSRF token it was given,
// and talks JSON to a running server over real HTTP.

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class Agent {
  private cookies = new Map<string, string>();
  csrfToken: string | null = null;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, options: { json?: unknown; body?: string; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (options.json !== undefined) headers['content-type'] ??= 'application/json';
    if (method !== 'GET' && this.csrfToken && options.csrf !== false) headers['x-csrf-token'] ??= this.csrfToken;
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: options.body ?? (options.json !== undefined ? JSON.stringify(options.json) : undefined),
      redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (!value || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    const text = await res.text();
    let body: unknown = text;
    if (res.headers.get('content-type')?.includes('application/json') && text) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: body as T };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, json?: unknown, options: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    return this.request<T>('POST', path, { ...(json !== undefined ? { json } : {}), ...options });
  }

  /** Signs in at /api/app or /api/portal and remembers the session's CSRF token. */
  async login(area: 'app' | 'portal', email: string, password: string): Promise<ApiResponse<any>> {
    const res = await this.post(`/api/${area}/login`, { email, password });
    if (res.status === 200) this.csrfToken = (res.body as { csrfToken: string }).csrfToken;
    return res;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }
}
