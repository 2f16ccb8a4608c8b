// The CLI as outside checks use it: spawned, reading a file, JSON on stdout, exit 2 on bad input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { reconcile } from './reconcile';
import { input, inv, pay } from './test-fixtures';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'settle-reconcile-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function cli(args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'reconciliation', 'cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const good = input(
  [inv('i1', 'c1', 'INV-1043', 50_000, 1), inv('i2', 'c1', 'INV-1044', 30_000, 2)],
  [pay(50_000, { id: 'p1', reference: 'INV 1043' }), pay(12_345, { id: 'p2', client_id: null, payer_email: 'x@gmail.com' }, 5)],
);

describe('reconcile CLI', () => {
  it('prints the engine output as JSON with the contract key order (through npm run, as documented)', () => {
    const path = file('good.json', good);
    const run = spawnSync('npm', ['run', '--silent', 'reconcile', '--', '--input', path], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toEqual(reconcile(good));
    expect(Object.keys(out)).toEqual(['allocations', 'credits', 'write_offs', 'exceptions']);
    expect(Object.keys(out.allocations[0])).toEqual(['payment_id', 'invoice_id', 'amount', 'rule', 'confidence']);
    expect(Object.keys(out.exceptions[0])).toEqual(['payment_id', 'reason', 'suggestions']);
    expect(out.exceptions[0].reason).toBe('unknown_client');
  });

  it.each<[string, () => string[], RegExp]>([
    ['no --input', () => [], /--input FILE is required/],
    ['an unreadable file', () => ['--input', join(dir, 'missing.json')], /cannot read .*missing\.json/],
    ['bad JSON', () => ['--input', file('bad.json', '{"clients": [')], /not valid JSON/],
  ])('exits 2 with a clear message on stderr for %s', (_why, args, message) => {
    const run = cli(args());
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it.each<[string, () => unknown, string[]]>([
    [
      'shape problems',
      () => ({
        ...good,
        invoices: [{ ...good.invoices[0], amount_due: 10.5 }],
        payments: [{ ...good.payments[0], amount: -5, received_at: 'yesterday' }],
        settings: {},
      }),
      [
        'invoices[0].amount_due: Amounts are integers in minor units (cents).',
        'payments[0].amount: A payment amount must be above zero.',
        'payments[0].received_at: An ISO 8601 date, like 2025-03-01 or 2025-03-01T12:00:00Z.',
        'settings.underpayment_tolerance:',
      ],
    ],
    [
      'ids that do not add up',
      () => ({
        ...good,
        invoices: [good.invoices[0], { ...good.invoices[1], id: 'i1' }, { ...good.invoices[1], id: 'i3', client_id: 'nobody' }],
        payments: [{ ...good.payments[0], client_id: 'ghost' }],
      }),
      ['invoices[1].id: Duplicate invoice id "i1".', 'invoices[2].client_id: Unknown client id "nobody".', 'payments[0].client_id: Unknown client id "ghost".'],
    ],
  ])('exits 2 listing every problem with its path: %s', (name, data, lines) => {
    const run = cli(['--input', file(`${name}.json`, data())]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    for (const line of lines) expect(run.stderr).toContain(line);
  });
});
