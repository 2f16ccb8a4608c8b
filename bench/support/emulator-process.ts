// The Stripe emulator in its own process for benchmarks: Stripe is a remote service, so its CPU must
// not be counted on Settle's event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface EmulatorProcess {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'stripe-emulator', 'cli.ts'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the emulator did not start')), 30_000);
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: match[1]!,
        port: Number(match[2]),
        close: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** The account id the emulator gives a secret key (what Stripe would show in the Dashboard). */
export async function emulatorAccountId(url: string, secretKey: string): Promise<string> {
  const res = await fetch(`${url}/_emulator/accounts/keys`, { headers: { authorization: `Bearer ${secretKey}` } });
  return ((await res.json()) as { account: string }).account;
}
