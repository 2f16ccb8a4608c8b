// `npm run marketplace:link -- install|launch|uninstall [options]`: what the PSA marketplace sends,
// signed with this server's MARKETPLACE_SHARED_SECRET (from the environment, or the demo secrets in
// DATA_DIR), so an install or a technician launch can be tried locally.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config';
import { signMarketplaceParams, type MarketplaceAction } from './marketplace-signature';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string', default: 'demo-psa-tenant' },
    'tenant-name': { type: 'string', default: 'Demo MSP' },
    user: { type: 'string', default: 'psa-user-1' },
    email: { type: 'string', default: 'owner@demo-msp.example' },
    name: { type: 'string', default: 'Demo Owner' },
    role: { type: 'string', default: 'technician' },
    'return-to': { type: 'string' },
  },
});
const action = positionals[0] as MarketplaceAction | undefined;
if (action !== 'install' && action !== 'launch' && action !== 'uninstall') {
  console.error('usage: npm run marketplace:link -- install|launch|uninstall [--tenant ID] [--email E] [--name N] [--role technician|admin]');
  process.exit(2);
}
const loaded = loadConfig(process.env);
if (!loaded.ok || !loaded.config.marketplaceSecret) {
  console.error(loaded.ok ? 'MARKETPLACE_SHARED_SECRET is not set' : loaded.problems.join('\n'));
  process.exit(1);
}
const params: Record<string, string> = { tenant_id: values.tenant!, timestamp: String(Math.floor(Date.now() / 1000)) };
if (action !== 'uninstall') Object.assign(params, { user_id: values.user!, user_email: values.email!, user_name: values.name! });
if (action === 'install') params.tenant_name = values['tenant-name']!;
if (action === 'launch') params.role = values.role!;
if (action === 'launch' && values['return-to']) params.return_to = values['return-to'];
params.signature = signMarketplaceParams(action, params, loaded.config.marketplaceSecret);

if (action === 'uninstall') {
  console.log(`curl -X POST ${loaded.config.publicUrl}/marketplace/uninstall -H 'content-type: application/json' -d '${JSON.stringify(params)}'`);
} else {
  console.log(`${loaded.config.publicUrl}/marketplace/${action}?${new URLSearchParams(params).toString()}`);
  console.log('(valid for 5 minutes, once)');
}
