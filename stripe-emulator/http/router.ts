import type { AccountState } from '../core/account-state.js';
import type { Emulator } from '../core/emulator.js';
import type { FormObject } from './parse-form.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RequestContext {
  em: Emulator;
  account: AccountState;
  /** Query and body parameters, without `expand`. */
  params: FormObject;
  /** Values of `:name` segments, in order. */
  path: string[];
  url: string;
  /** Authenticated with a publishable key (the route allowed it; check `client_secret`). */
  publishable: boolean;
  /** The caller, for `mandate_data[customer_acceptance][online][infer_from_client]`. */
  client: { ipAddress: string; userAgent: string };
}

/** A handler returns the response body (a Stripe object); it throws `StripeError` on failure. */
export type RouteHandler = (ctx: RequestContext) => object;

export interface Route {
  method: HttpMethod;
  pattern: string;
  handler: RouteHandler;
  /** Reachable with a publishable key (Stripe.js client-side operations). */
  publishable?: boolean;
}

interface CompiledRoute extends Route {
  segments: string[];
}

export class Router {
  private routes: CompiledRoute[] = [];

  add(routes: Route[]): this {
    for (const r of routes) this.routes.push({ ...r, segments: r.pattern.split('/').filter(Boolean) });
    return this;
  }

  /** Literal segments win over `:params` (e.g. `/v1/customers/search` before `/v1/customers/:id`). */
  match(method: string, pathname: string): { route: Route; path: string[] } | null {
    const parts = pathname.split('/').filter(Boolean);
    let best: { route: Route; path: string[]; score: number } | null = null;
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const captured: string[] = [];
      let score = 0;
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i] ?? '';
        const part = parts[i] ?? '';
        if (seg.startsWith(':')) captured.push(decodeURIComponent(part));
        else if (seg === part) score++;
        else {
          ok = false;
          break;
        }
      }
      if (ok && (!best || score > best.score)) best = { route, path: captured, score };
    }
    return best ? { route: best.route, path: best.path } : null;
  }
}
