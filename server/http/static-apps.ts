// Serves the built React apps: hashed assets with long caching, index.html (no-cache) for every
// other path under the app's base so client-side routes survive a reload.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

export const WEB_APPS = [
  { base: '/portal', dir: 'portal', title: 'client portal' },
  { base: '/app', dir: 'app', title: 'technician UI' },
] as const;

export function missingBuilds(webRoot: string): string[] {
  return WEB_APPS.filter((a) => !existsSync(join(webRoot, a.dir, 'index.html'))).map((a) => a.dir);
}

export function staticApps(webRoot: string): Router {
  const router = Router();
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
      res.sendFile(index);
    });
  }
  return router;
}
