import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { faultConfigSchema } from '../faults/fault-config.js';
import { webhookConfigSchema } from '../webhooks/webhook-config.js';
import type { EmulatorControl } from './control-api.js';

export type ExtraControlHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => boolean;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function parseJson(body: string): unknown {
  if (!body) return {};
  try {
    return JSON.parse(body);
  } catch {
    return Symbol('invalid');
  }
}

const advanceSchema = z.strictObject({ seconds: z.number().positive() });
const connectSchema = z.strictObject({ secret_key: z.string(), account: z.string().optional() });

/**
 * `/_emulator/*`: JSON control endpoints (outside `/v1`, so faults never apply to them).
 * `GET|POST /_emulator/faults`, `POST /_emulator/webhooks`, `POST /_emulator/reset`,
 * `POST /_emulator/clock/advance {seconds}`, `POST /_emulator/accounts/connect`, `GET /_emulator/health`.
 */
export function handleControlRequest(control: EmulatorControl, extra: ExtraControlHandler[], req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
  for (const handler of extra) if (handler(req, res, url, body)) return;
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  const input = parseJson(body);
  if (typeof input === 'symbol') return json(res, 400, { error: { message: 'Body must be JSON' } });
  const invalid = (error: z.ZodError) => json(res, 400, { error: { message: z.prettifyError(error) } });
  switch (route) {
    case 'GET /_emulator/health':
      return json(res, 200, { ok: true });
    case 'GET /_emulator/faults':
      return json(res, 200, control.getFaults());
    case 'POST /_emulator/faults': {
      const parsed = faultConfigSchema.safeParse(input);
      return parsed.success ? json(res, 200, control.setFaults(parsed.data)) : invalid(parsed.error);
    }
    case 'POST /_emulator/webhooks': {
      const parsed = webhookConfigSchema.safeParse(input);
      return parsed.success ? json(res, 200, control.setWebhookDelivery(parsed.data)) : invalid(parsed.error);
    }
    case 'POST /_emulator/reset':
      control.reset();
      return json(res, 200, { ok: true });
    case 'POST /_emulator/clock/advance': {
      const parsed = advanceSchema.safeParse(input);
      if (!parsed.success) return invalid(parsed.error);
      control.advanceTime(parsed.data.seconds);
      return json(res, 200, { ok: true });
    }
    case 'POST /_emulator/accounts/connect': {
      const parsed = connectSchema.safeParse(input);
      if (!parsed.success) return invalid(parsed.error);
      return json(res, 200, { account: control.connectAccount(parsed.data.secret_key, parsed.data.account) });
    }
    default:
      return json(res, 404, { error: { message: `Unknown control route ${route}` } });
  }
}
