// Serves the built React apps: hashed assets with long caching, index.html (no-cache) for every
// other path under the app's base so client-side routes survive a reload.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

export const WEB_APPS = [
  { base: '/portal', dir: 'portal', title: 'client portal' },
  { base: '/app', dir: 'app', title: 'technician UI' },
] as const;

export function missingBuilds(webRoot: string): string[] {
  return WEB_APPS.filter((a) => !existsSync(join(webRoot, a.dir, 'index.html'))).map((a) => a.dir);
}

/**
 * index.html as served. In emulator mode the emulator's Stripe.js stand-in is injected ahead of the
 * bundle, so `loadStripe` (from @stripe/stripe-js/pure) finds `window.Stripe` and never reaches
 * js.stripe.com — the pages work offline in a real browser. With real keys nothing is injected.
 */
function indexHtml(file: string, stripeJsUrl: string | null, cache: Map<string, { mtimeMs: number; html: string }>): string {
  const mtimeMs = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.html;
  let html = readFileSync(file, 'utf8');
  if (stripeJsUrl) {
    const tag = `<script src="${stripeJsUrl.replace(/"/g, '&quot;')}"></script>`;
    html = html.includes('<script') ? html.replace('<script', `${tag}\n    <script`) : html.replace('</head>', `${tag}</head>`);
  }
  cache.set(file, { mtimeMs, html });
  return html;
}

export function staticApps(webRoot: string, options: { stripeJsUrl?: string | null } = {}): Router {
  const router = Router();
  const cache = new Map<string, { mtimeMs: number; html: string }>();
  for (const app of WEB_APPS) {
    const dir = join(webRoot, app.dir);
    const index = join(dir, 'index.html');
    router.use(
      `${app.base}/assets`,
      express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false, index: false }),
    );
    router.use(app.base, express.static(dir, { index: false, maxAge: '1h' }));
    router.get([app.base, `${app.base}/*splat`], (_req, res) => {
      if (!existsSync(index)) {
        res.status(503).type('text/plain').send(`The ${app.title} has not been built yet. Run "npm run build" (npm start does it for you).`);
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.type('html').send(indexHtml(index, options.stripeJsUrl ?? null, cache));
    });
  }
  return router;
}
