// A minimal, self-contained HTML page for browser navigations that fail before an app can load
// (expired marketplace links, say). Inline styles only; every dynamic string is escaped.

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function messagePage(options: { title: string; message: string; detail?: string; link?: { href: string; label: string } }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · Settle</title>
<style>
  body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f5f6f8;color:#111827;display:grid;place-items:center;min-height:100vh}
  main{background:#fff;border:1px solid #e5e7eb;border-radius:12px;padding:32px 36px;max-width:440px;margin:24px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
  h1{font-size:20px;margin:0 0 8px} p{margin:0 0 8px;color:#374151} .detail{font-size:14px;color:#6b7280}
  a.action{display:inline-block;margin-top:12px;background:#4338ca;color:#fff;text-decoration:none;padding:8px 14px;border-radius:8px;font-weight:600}
  .brand{display:flex;align-items:center;gap:8px;font-weight:600;margin-bottom:20px;color:#4338ca}
</style></head>
<body><main role="main"><div class="brand">Settle</div><h1>${escapeHtml(options.title)}</h1><p>${escapeHtml(options.message)}</p>${
    options.detail ? `<p class="detail">${escapeHtml(options.detail)}</p>` : ''
  }${options.link ? `<a class="action" href="${escapeHtml(options.link.href)}">${escapeHtml(options.link.label)}</a>` : ''}</main></body></html>`;
}
