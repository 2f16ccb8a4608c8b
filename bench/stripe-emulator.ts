// Measures SDK round trips per second against the in-process Stripe emulator (faults off):
// customer create, and payment intent create+confirm with pm_card_visa. Ends stdout with one JSON line.
import { Agent } from 'node:http';
import Stripe from 'stripe';
import { createStripeEmulator } from '../stripe-emulator/index.js';

const CONCURRENCY = 32;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);

async function measure(name: string, op: () => Promise<unknown>): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  const end = Date.now() + DURATION_MS;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const start = performance.now();
      await op();
      latencies.push(performance.now() - start);
      done++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const perSecond = done / ((Date.now() - started) / 1000);
  console.error(`${name}: ${done} ops, ${perSecond.toFixed(0)}/s`);
  return { perSecond, latencies };
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
}

const emulator = await createStripeEmulator({ port: 0 });
const stripe = new Stripe('sk_test_bench', {
  host: '127.0.0.1',
  port: emulator.port,
  protocol: 'http',
  maxNetworkRetries: 0,
  httpAgent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
});
console.error(`emulator at ${emulator.url}; ${CONCURRENCY} in flight, ${DURATION_MS} ms per scenario`);
await measure('warmup', () => stripe.customers.create({ email: 'warm@example.com' }));
const customers = await measure('customer_create', () => stripe.customers.create({ email: 'bench@example.com', metadata: { n: '1' } }));
const payments = await measure('payment_intent_confirm', () =>
  stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true }),
);
await emulator.close();
console.log(
  JSON.stringify({
    customer_create_per_s: Math.round(customers.perSecond),
    payment_intent_confirm_per_s: Math.round(payments.perSecond),
    p99_ms: Number(p99([...customers.latencies, ...payments.latencies]).toFixed(2)),
  }),
);
