/** What the stand-in reads from intents returned by the emulator's API. */
export interface IntentLike {
  id: string;
  object: 'setup_intent' | 'payment_intent';
  status: string;
  client_secret: string | null;
  payment_method: string | null;
  payment_method_types: string[];
  next_action: null | {
    type: string;
    use_stripe_sdk?: { type?: string; stripe_js?: string };
    redirect_to_url?: { url: string; return_url: string };
  };
  last_payment_error?: ApiError | null;
  last_setup_error?: ApiError | null;
}

export interface ApiError {
  type: string;
  code?: string;
  decline_code?: string;
  message?: string;
  param?: string;
  setup_intent?: IntentLike;
  payment_intent?: IntentLike;
  payment_method?: unknown;
}

export type ApiResult<T> = { ok: true; body: T } | { ok: false; error: ApiError };

export type Params = { [key: string]: Param };
type Param = string | number | boolean | null | undefined | Params | Param[];

function encode(prefix: string, value: Param, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => encode(`${prefix}[${i}]`, v, out));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) encode(prefix ? `${prefix}[${k}]` : k, v, out);
  } else {
    out.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(value))}`);
  }
}

/** Stripe's form encoding: `a[b][0]=x`. */
export function formEncode(params: Params): string {
  const out: string[] = [];
  encode('', params, out);
  return out.join('&');
}

/** The emulator's `/v1` API called with the publishable key, as Stripe.js does. */
export class Api {
  constructor(
    readonly base: string,
    private readonly key: string,
    private readonly stripeAccount: string | undefined,
  ) {}

  async request<T>(method: 'GET' | 'POST', path: string, params: Params = {}): Promise<ApiResult<T>> {
    const query = formEncode(params);
    const headers: Record<string, string> = { Authorization: `Bearer ${this.key}` };
    if (this.stripeAccount) headers['Stripe-Account'] = this.stripeAccount;
    let url = `${this.base}${path}`;
    let body: string | undefined;
    if (method === 'GET') {
      if (query) url += `?${query}`;
    } else {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = query;
    }
    try {
      const res = await fetch(url, { method, headers, body });
      const json = (await res.json()) as { error?: ApiError };
      if (!res.ok || json.error) return { ok: false, error: json.error ?? { type: 'api_error', message: `HTTP ${res.status}` } };
      return { ok: true, body: json as T };
    } catch (err) {
      return { ok: false, error: { type: 'api_connection_error', message: err instanceof Error ? err.message : 'Network error' } };
    }
  }
}

/** `seti_…_secret_…` → the intent's id and API path. */
export function intentFromSecret(clientSecret: string): { id: string; path: string; kind: 'setup_intent' | 'payment_intent' } {
  const id = clientSecret.split('_secret_')[0] ?? '';
  const kind = id.startsWith('seti_') ? 'setup_intent' : 'payment_intent';
  return { id, kind, path: `/v1/${kind}s/${encodeURIComponent(id)}` };
}
