// The API description, served by the API itself: `GET /api/docs/openapi.yaml` is docs/openapi.yaml
// verbatim (feed it to any OpenAPI tool); `GET /api/docs` is a self-contained, readable page built
// from it — an index of operations and each path's definition — with no scripts and nothing loaded
// from a CDN (Settle runs offline and under a strict CSP).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';

export const OPENAPI_PATH = join(import.meta.dirname, '..', '..', 'docs', 'openapi.yaml');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

interface Operation {
  method: string;
  path: string;
  summary: string;
}

/** Splits the YAML text into its top part, its path blocks and its components (by indentation). */
function sections(yaml: string): { head: string; paths: Array<{ path: string; text: string; operations: Operation[] }>; components: string } {
  const lines = yaml.split('\n');
  const top = (name: string) => lines.findIndex((l) => l.startsWith(`${name}:`));
  const pathsAt = top('paths');
  const componentsAt = top('components');
  const blockEnd = (from: number) => {
    const next = lines.findIndex((l, i) => i > from && /^\S/.test(l));
    return next === -1 ? lines.length : next;
  };
  const paths: Array<{ path: string; text: string; operations: Operation[] }> = [];
  if (pathsAt >= 0) {
    const end = blockEnd(pathsAt);
    let current: { path: string; lines: string[] } | null = null;
    const flush = () => {
      if (!current) return;
      const text = current.lines.join('\n');
      const operations: Operation[] = [];
      const methodRe = /^ {4}(get|post|put|patch|delete):(.*)$/;
      current.lines.forEach((l, i) => {
        const m = methodRe.exec(l);
        if (!m) return;
        const rest = [m[2] ?? '', ...current!.lines.slice(i + 1, i + 4)].join('\n');
        const summary = /summary:\s*([^,}\n]+)/.exec(rest)?.[1]?.trim().replace(/^['"]|['"]$/g, '') ?? '';
        operations.push({ method: m[1]!.toUpperCase(), path: current!.path, summary });
      });
      paths.push({ path: current.path, text, operations });
    };
    for (const line of lines.slice(pathsAt + 1, end)) {
      const m = /^ {2}(\/\S*):\s*$/.exec(line);
      if (m) {
        flush();
        current = { path: m[1]!, lines: [] };
      } else current?.lines.push(line);
    }
    flush();
  }
  const components = componentsAt >= 0 ? lines.slice(componentsAt, blockEnd(componentsAt)).join('\n') : '';
  const head = lines.slice(0, Math.min(...[pathsAt, componentsAt].filter((i) => i >= 0))).join('\n');
  return { head, paths, components };
}

export function renderApiDocs(yaml: string): string {
  const { head, paths, components } = sections(yaml);
  const title = /title:\s*(.+)/.exec(head)?.[1]?.trim() ?? 'API';
  const anchor = (p: string) => `p${p.replace(/[^A-Za-z0-9]+/g, '-')}`;
  const index = paths
    .flatMap((p) => p.operations)
    .map((o) => `<tr><td><span class="m m-${o.method.toLowerCase()}">${o.method}</span></td><td><a href="#${anchor(o.path)}"><code>${escapeHtml(o.path)}</code></a></td><td>${escapeHtml(o.summary)}</td></tr>`)
    .join('\n');
  const blocks = paths
    .map((p) => `<section id="${anchor(p.path)}"><h3><code>${escapeHtml(p.path)}</code> ${p.operations.map((o) => `<span class="m m-${o.method.toLowerCase()}">${o.method}</span>`).join(' ')}</h3><pre>${escapeHtml(p.text)}</pre></section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#f8fafc}
  main{max-width:1100px;margin:0 auto;padding:24px}
  h1{margin:0 0 4px} h2{margin-top:32px} h3{font-size:16px;margin:0 0 8px}
  pre{background:#0f172a;color:#e2e8f0;padding:12px 14px;border-radius:8px;overflow:auto;font-size:13px;line-height:1.45}
  table{border-collapse:collapse;width:100%;background:#fff} td{border-bottom:1px solid #e5e7eb;padding:6px 8px;vertical-align:top}
  section{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:14px 16px;margin:14px 0}
  .m{display:inline-block;min-width:52px;text-align:center;font:600 12px/20px ui-monospace,monospace;border-radius:4px;color:#fff}
  .m-get{background:#2563eb}.m-post{background:#059669}.m-put{background:#d97706}.m-patch{background:#7c3aed}.m-delete{background:#dc2626}
  a{color:#4338ca}
</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
<p>Machine-readable: <a href="/api/docs/openapi.yaml">openapi.yaml</a> (OpenAPI 3.1).</p>
<pre>${escapeHtml(head)}</pre>
<h2>Operations</h2>
<table>${index}</table>
<h2>Paths</h2>
${blocks}
<h2>Components</h2>
<details><summary>Schemas, parameters and security schemes</summary><pre>${escapeHtml(components)}</pre></details>
</main></body></html>`;
}

export function apiDocsRoutes(): Router {
  const router = Router();
  // Read per request: it is small, and a fresh read means the page never disagrees with the file.
  router.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').send(readFileSync(OPENAPI_PATH, 'utf8'));
  });
  router.get('/', (_req, res) => {
    res.type('html').send(renderApiDocs(readFileSync(OPENAPI_PATH, 'utf8')));
  });
  return router;
}
