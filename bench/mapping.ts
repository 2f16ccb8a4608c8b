// Client mapping at scale: 10,000 PSA clients and 10,000 Stripe customers. The import job lists the
// customers from the Stripe emulator through the SDK (counting list calls with the SDK's `request`
// event) into the database, then the pure suggestion step is timed with process.cpuUsage on the
// same rows the job reads. Ends stdout with one JSON line.
import { openBenchDatabase } from './support/bench-database';
import { ManualClock } from '../server/clock';
import { SecretBox } from '../server/crypto/secret-box';
import { migrateLatest } from '../server/db/migrate';
import { InstallationScope } from '../server/db/tenant-scope';
import type { AppContext } from '../server/http/context';
import { createLogger } from '../server/logger';
import { runMappingImport } from '../server/mapping/run-mapping-import';
import { suggestMatches, type PsaClientInput, type StripeCustomerInput } from '../server/mapping/suggest-matches';
import { endpointFromUrl, StripeClients } from '../server/stripe/stripe-clients';
import { createStripeEmulator } from '../stripe-emulator/index.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const WORDS = ['Dental', 'Legal', 'Consulting', 'Logistics', 'Bakery', 'Motors', 'Health', 'Studio', 'Partners', 'Labs', 'Clinic', 'Realty'];
const FREE = ['gmail.com', 'outlook.com', 'yahoo.com'];


const company = (i: number) => `${['Northwind', 'Contoso', 'Fabrikam', 'Adatum', 'Tailspin', 'Wingtip'][i % 6]} ${i} ${WORDS[i % WORDS.length]}`;

const emulator = await createStripeEmulator({ port: 0 });
const { database, kind, drop } = await openBenchDatabase('mapping');
try {
  await migrateLatest(database.knex);
  const secrets = new SecretBox([Buffer.alloc(32, 9)]);
  const stripeClients = new StripeClients({ endpoint: endpointFromUrl(emulator.url), secrets, maxNetworkRetries: 0 });
  const ctx: AppContext = {
    config: {} as AppContext['config'], // the import reads no configuration
    db: database.knex,
    clock: new ManualClock(new Date()),
    logger: createLogger({ level: 'silent' }),
    secrets,
    stripe: stripeClients,
  };
  const [inst] = (await database.knex('installations').insert({ name: 'Bench MSP', psa_tenant_ref: 'bench', currency: 'USD' }).returning('id')) as Array<{ id: string }>;
  const scope = new InstallationScope(database.knex, inst!.id);
  const secret = 'rk_test_bench_mapping';
  const [conn] = (await scope.insert('stripe_connections', { mode: 'restricted_key', account_id: 'acct_bench', livemode: false }).returning('id')) as Array<{ id: string }>;
  await scope.from('stripe_connections').where({ id: conn!.id }).update({ secret_enc: secrets.seal(secret, conn!.id) });
  const stripe = stripeClients.forSecret(secret);

  // Customers: a third share the client's name with a legal suffix, a third its email, a third unrelated.
  console.error(`creating ${CUSTOMERS} Stripe customers in the emulator…`);
  for (let i = 0; i < CUSTOMERS; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, CUSTOMERS - i) }, (_, k) => {
        const n = i + k;
        const name = n % 3 === 0 ? `${company(n)} LLC` : n % 3 === 1 ? `Billing Dept ${n}` : `Someone Else ${n} ${WORDS[(n + 5) % WORDS.length]}`;
        const email = n % 3 === 1 ? `ap@client${n}.example` : `person${n}@${FREE[n % 3]}`;
        return stripe.customers.create({ name, email });
      }),
    );
  }
  console.error(`inserting ${CLIENTS} PSA clients…`);
  for (let i = 0; i < CLIENTS; i += 1000) {
    await scope.insert('clients', Array.from({ length: Math.min(1000, CLIENTS - i) }, (_, k) => ({ psa_ref: `C-${i + k}`, name: company(i + k), email: `ap@client${i + k}.example` })));
  }

  let listCalls = 0;
  const onRequest = (e: { method: string; path: string }) => {
    if (e.method === 'GET' && e.path.startsWith('/v1/customers') && !e.path.startsWith('/v1/customers/')) listCalls++;
  };
  stripe.on('request', onRequest);
  const [run] = (await scope.insert('mapping_runs', { status: 'queued' }).returning('id')) as Array<{ id: string }>;
  const wallStart = performance.now();
  const status = await runMappingImport(ctx, { installationId: inst!.id, runId: run!.id });
  const importWall = (performance.now() - wallStart) / 1000;
  stripe.off('request', onRequest);
  const runRow = (await scope.from('mapping_runs').where({ id: run!.id }).first()) as { customers_fetched: number; list_calls: number; suggestions_count: number };
  console.error(`import ${status}: ${runRow.customers_fetched} customers, ${listCalls} list calls (run says ${runRow.list_calls}), ${importWall.toFixed(2)} s wall`);

  // The pure step, on the rows the job reads.
  const clients: PsaClientInput[] = ((await scope.from('clients').where('mapping_status', 'unmapped').select('id', 'name', 'email')) as Array<{ id: string; name: string; email: string | null }>).map((c) => ({ ...c, contactEmails: [] }));
  const customers: StripeCustomerInput[] = ((await scope.from('stripe_customer_cache').where('deleted', false).select('customer_id', 'name', 'email', 'metadata')) as Array<{ customer_id: string; name: string | null; email: string | null; metadata: Record<string, string> }>).map((c) => ({ id: c.customer_id, name: c.name, email: c.email, metadata: c.metadata }));
  const cpuStart = process.cpuUsage();
  const t0 = performance.now();
  const suggestions = suggestMatches({ installationId: inst!.id, clients, customers });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const suggestCpu = (cpu.user + cpu.system) / 1e6;
  let withSuggestion = 0;
  let correctTop = 0;
  for (const list of suggestions.values()) if (list.length > 0) withSuggestion++;
  // Ground truth: client i matches customer i when i % 3 is 0 (name) or 1 (email).
  const customerIndex = new Map<string, number>();
  const ordered = ((await scope.from('stripe_customer_cache').select('customer_id', 'email', 'name')) as Array<{ customer_id: string; email: string | null; name: string | null }>);
  for (const c of ordered) {
    const m = /client(\d+)\.example/.exec(c.email ?? '') ?? /^(?:Northwind|Contoso|Fabrikam|Adatum|Tailspin|Wingtip) (\d+) /.exec(c.name ?? '');
    if (m) customerIndex.set(c.customer_id, Number(m[1]));
  }
  const clientIndex = new Map(clients.map((c) => [c.id, Number(/ (\d+) /.exec(c.name)![1])]));
  let expected = 0;
  for (const [id, list] of suggestions) {
    const i = clientIndex.get(id)!;
    if (i % 3 !== 2 && i < CUSTOMERS) expected++;
    const top = list[0];
    if (top && customerIndex.get(top.customerId) === i) correctTop++;
  }
  console.error(`suggestions: ${withSuggestion} clients with a candidate; top candidate right for ${correctTop} of ${expected} expected matches; ${suggestCpu.toFixed(3)} s CPU, ${wall.toFixed(3)} s wall`);

  console.log(
    JSON.stringify({
      db: kind,
      clients: clients.length,
      customers: runRow.customers_fetched,
      list_calls: listCalls,
      list_calls_expected: Math.ceil(runRow.customers_fetched / 100),
      suggest_cpu_s: Number(suggestCpu.toFixed(3)),
      suggest_wall_s: Number(wall.toFixed(3)),
      import_wall_s: Number(importWall.toFixed(2)),
      clients_with_suggestion: withSuggestion,
      top_suggestion_correct: correctTop,
      expected_matches: expected,
      suggestions_stored: runRow.suggestions_count,
    }),
  );
} finally {
  await emulator.close();
  await drop();
}
