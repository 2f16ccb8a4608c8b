import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { createStripeEmulator } from '../create-stripe-emulator.js';

const dir = mkdtempSync(join(tmpdir(), 'stripe-emulator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function client(port: number): Stripe {
  return new Stripe('sk_test_snapshot', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
}

describe('snapshot', () => {
  it('persists state across restarts', async () => {
    const file = join(dir, 'state.json');
    const first = await createStripeEmulator({ snapshotFile: file });
    const c = await client(first.port).customers.create({ email: 'keep@example.com' });
    await first.close();
    const second = await createStripeEmulator({ snapshotFile: file });
    try {
      expect(await client(second.port).customers.retrieve(c.id)).toMatchObject({ email: 'keep@example.com' });
    } finally {
      await second.close();
    }
  });
});

describe('cli', () => {
  it('prints the listening line once accepting', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'stripe-emulator/cli.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.once('exit', (code) => reject(new Error(`exited ${String(code)}`)));
      });
      const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
      expect(m).not.toBeNull();
      const list = await client(Number(m?.[1])).customers.list();
      expect(list.object).toBe('list');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
