import { parseArgs } from 'node:util';
import { createStripeEmulator } from './create-stripe-emulator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '12111' },
    snapshot: { type: 'string' },
    'bank-settlement-delay-ms': { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer 0–65535, got ${values.port}`);
  process.exit(2);
}

const emulator = await createStripeEmulator({
  port,
  ...(values.snapshot ? { snapshotFile: values.snapshot } : {}),
  ...(values['bank-settlement-delay-ms'] ? { bankSettlementDelayMs: Number(values['bank-settlement-delay-ms']) } : {}),
});
console.log(`listening on ${emulator.url}`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  emulator.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
