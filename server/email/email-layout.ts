// One layout for every email Settle sends on an MSP's behalf: a plain-text part and an HTML part
// saying the same thing. The HTML is table-based with inline styles (mail clients drop <style> and
// most CSS), has a language, a title, a hidden preheader, one heading, real text (never an image of
// text), a link button that is also written out as a plain URL, and enough contrast (WCAG AA).
// Every dynamic string is HTML-escaped here, so templates pass raw values — a client named
// `<script>` shows up as text.

export interface EmailLayoutInput {
  /** Shown as the sender brand at the top and in the footer. */
  mspName: string;
  /** The line mail clients show next to the subject in the inbox (hidden in the body). */
  preheader?: string;
  heading: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Small print under the button: "This link expires in 7 days." */
  footerNote?: string;
  /** Non-essential mail only: where to stop receiving it. */
  unsubscribeUrl?: string;
}

export interface RenderedEmail {
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Links must be absolute http(s) URLs: anything else (javascript:, data:) is refused outright. */
function safeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`renderEmail: not an absolute URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`renderEmail: only http(s) links are allowed, got ${parsed.protocol}`);
  return parsed.toString();
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const COLOR = { text: '#111827', muted: '#4b5563', brand: '#3730a3', button: '#4338ca', border: '#e5e7eb', page: '#f3f4f6' } as const;

/** Wraps plain text at about 72 columns without breaking words or URLs. */
function wrap(text: string, width = 72): string {
  return text
    .split('\n')
    .map((line) => {
      const out: string[] = [];
      let current = '';
      for (const word of line.split(/ +/)) {
        if (current && current.length + 1 + word.length > width) {
          out.push(current);
          current = word;
        } else {
          current = current ? `${current} ${word}` : word;
        }
      }
      out.push(current);
      return out.join('\n');
    })
    .join('\n');
}

/** Pure: the same input always renders the same email. */
export function renderEmail(input: EmailLayoutInput): RenderedEmail {
  const action = input.action ? { label: input.action.label, url: safeUrl(input.action.url) } : undefined;
  const unsubscribeUrl = input.unsubscribeUrl ? safeUrl(input.unsubscribeUrl) : undefined;
  return { text: renderText(input, action, unsubscribeUrl), html: renderHtml(input, action, unsubscribeUrl) };
}

function renderText(input: EmailLayoutInput, action: { label: string; url: string } | undefined, unsubscribeUrl: string | undefined): string {
  const parts: string[] = [input.mspName, '', input.heading, '='.repeat(Math.min(input.heading.length, 72)), ''];
  for (const p of input.paragraphs) parts.push(wrap(p), '');
  if (action) parts.push(`${action.label}:`, action.url, '');
  if (input.footerNote) parts.push(wrap(input.footerNote), '');
  parts.push('--', wrap(`Sent by Settle on behalf of ${input.mspName}.`));
  if (unsubscribeUrl) parts.push(`Stop these emails: ${unsubscribeUrl}`);
  return `${parts.join('\n')}\n`;
}

function renderHtml(input: EmailLayoutInput, action: { label: string; url: string } | undefined, unsubscribeUrl: string | undefined): string {
  const e = escapeHtml;
  const paragraph = (p: string) =>
    `<p style="margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:24px;color:${COLOR.text};">${e(p).replace(/\n/g, '<br>')}</p>`;
  const button = action
    ? `<table role="presentation" border="0" cellpadding="0" cellspacing="0" style="margin:8px 0 24px;"><tr><td style="border-radius:8px;background:${COLOR.button};">` +
      `<a href="${e(action.url)}" style="display:inline-block;padding:12px 22px;font-family:${FONT};font-size:16px;font-weight:600;line-height:20px;color:#ffffff;text-decoration:none;border-radius:8px;">${e(action.label)}</a>` +
      `</td></tr></table>` +
      `<p style="margin:0 0 16px;font-family:${FONT};font-size:14px;line-height:20px;color:${COLOR.muted};">If the button does not work, copy this address into your browser:<br>` +
      `<a href="${e(action.url)}" style="color:${COLOR.brand};word-break:break-all;">${e(action.url)}</a></p>`
    : '';
  const note = input.footerNote
    ? `<p style="margin:0 0 8px;font-family:${FONT};font-size:14px;line-height:20px;color:${COLOR.muted};">${e(input.footerNote)}</p>`
    : '';
  const unsubscribe = unsubscribeUrl
    ? `<br><a href="${e(unsubscribeUrl)}" style="color:${COLOR.muted};text-decoration:underline;">Stop these emails</a>`
    : '';
  const preheader = input.preheader
    ? `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;color:${COLOR.page};opacity:0;">${e(input.preheader)}</div>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(input.heading)}</title>
</head>
<body style="margin:0;padding:0;background:${COLOR.page};">
${preheader}
<table role="presentation" width="100%" border="0" cellpadding="0" cellspacing="0" style="background:${COLOR.page};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" border="0" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border:1px solid ${COLOR.border};border-radius:12px;">
<tr><td style="padding:24px 32px 0;font-family:${FONT};font-size:15px;font-weight:700;line-height:20px;color:${COLOR.brand};">${e(input.mspName)}</td></tr>
<tr><td style="padding:16px 32px 8px;">
<h1 style="margin:0 0 16px;font-family:${FONT};font-size:22px;line-height:30px;font-weight:700;color:${COLOR.text};">${e(input.heading)}</h1>
${input.paragraphs.map(paragraph).join('\n')}
${button}
${note}
</td></tr>
<tr><td style="padding:16px 32px 24px;border-top:1px solid ${COLOR.border};font-family:${FONT};font-size:12px;line-height:18px;color:${COLOR.muted};">Sent by Settle on behalf of ${e(input.mspName)}.${unsubscribe}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}
