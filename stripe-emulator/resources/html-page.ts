import type { ServerResponse } from 'node:http';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1a1f36;background:#f6f8fa;margin:0;padding:32px 16px}
main{max-width:440px;margin:0 auto;background:#fff;border:1px solid #e3e8ee;border-radius:8px;padding:24px 28px;box-shadow:0 2px 6px rgba(50,50,93,.08)}
h1{font-size:20px;margin:0 0 12px}.muted{color:#697386;font-size:13px}dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:16px 0}
dt{color:#697386}dd{margin:0;font-family:ui-monospace,monospace;word-break:break-all}.actions{display:flex;gap:12px;margin-top:20px}
button{font:inherit;font-weight:600;border-radius:6px;padding:9px 16px;cursor:pointer;border:1px solid #cfd7df;background:#fff;color:#1a1f36}
button.primary{background:#635bff;border-color:#635bff;color:#fff}label{display:block;margin:10px 0 4px;font-weight:500}
input{font:inherit;padding:8px 10px;border:1px solid #cfd7df;border-radius:6px;width:100%;box-sizing:border-box}`;

/** A small self-contained HTML page in the emulator's style (hosted verification, 3DS, OAuth). */
export function sendPage(res: ServerResponse, status: number, title: string, body: string, headers: Record<string, string> = {}): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...headers }).end(html);
}
