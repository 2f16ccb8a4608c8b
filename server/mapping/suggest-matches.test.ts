import { describe, expect, it } from 'vitest';
import {
  nameSimilarity,
  normalizeCompanyName,
  suggestMatches,
  type PsaClientInput,
  type StripeCustomerInput,
} from './suggest-matches';

const INST = 'inst-1';
const client = (id: string, name: string, email: string | null = null, contactEmails: string[] = []): PsaClientInput => ({ id, name, email, contactEmails });
const customer = (id: string, name: string | null, email: string | null = null, metadata: Record<string, string> = {}): StripeCustomerInput => ({ id, name, email, metadata });

function top(clients: PsaClientInput[], customers: StripeCustomerInput[], mapped?: Map<string, string>) {
  const result = suggestMatches({ installationId: INST, clients, customers, ...(mapped ? { mappedCustomers: mapped } : {}) });
  return (id: string) => result.get(id) ?? [];
}

describe('normalizeCompanyName', () => {
  it.each([
    ['Contoso Dental Group, LLC', 'contoso dental group'],
    ['The Smith & Jones Co.', 'smith jones'],
    ['  Fabrikam,   Inc. ', 'fabrikam'],
    ['Café Müller GmbH', 'cafe muller'],
    ['ÅNGSTRÖM Consulting AB', 'angstrom consulting'],
    ["O'Reilly Auto Parts Corp", 'oreilly auto parts'],
    ['Tailspin Toys Pty Ltd', 'tailspin toys'],
    ['東京 Trading Ltd', '東京 trading'],
    ['Inc.', ''],
  ])('%s → %s', (raw, normalized) => {
    expect(normalizeCompanyName(raw)).toBe(normalized);
  });
});

describe('nameSimilarity', () => {
  it.each([
    ['Contoso Dental Group', 'Contoso Dental Group LLC', 1, 1],
    ['Contoso Dental', 'Contoso Legal', 0, 0.6],
    ['Contoso Dental Group', 'Contosso Dental Group', 0.75, 1],
    ['Café Müller', 'Cafe Muller GmbH', 1, 1],
    ['Northwind Traders', 'Southridge Video', 0, 0.2],
    ['Adatum Corporation', 'Adatum', 1, 1],
  ])('%s vs %s in [%d, %d]', (a, b, min, max) => {
    const s = nameSimilarity(a, b);
    expect(s).toBeGreaterThanOrEqual(min);
    expect(s).toBeLessThanOrEqual(max);
  });
});

describe('suggestMatches', () => {
  it.each<{ name: string; clients: PsaClientInput[]; customers: StripeCustomerInput[]; mapped?: Map<string, string>; expect: Record<string, Array<{ customerId: string; kind?: string; min?: number; max?: number; reason?: RegExp }>> }>([
    {
      name: 'metadata naming this installation and client is certain',
      clients: [client('c1', 'Contoso')],
      customers: [customer('cus_meta', 'Something else', null, { settle_installation_id: INST, settle_client_id: 'c1' })],
      expect: { c1: [{ customerId: 'cus_meta', kind: 'metadata', min: 1, max: 1, reason: /metadata/ }] },
    },
    {
      name: 'metadata for another installation is not evidence',
      clients: [client('c1', 'Zeta')],
      customers: [customer('cus_meta', 'Other', null, { settle_installation_id: 'inst-2', settle_client_id: 'c1' })],
      expect: { c1: [] },
    },
    {
      name: 'exact email, case and spaces ignored',
      clients: [client('c1', 'Contoso Dental', ' AP@Contoso.com ')],
      customers: [customer('cus_1', 'CDG Billing', 'ap@contoso.com'), customer('cus_2', 'Unrelated', 'x@other.example')],
      expect: { c1: [{ customerId: 'cus_1', kind: 'email', min: 0.95, reason: /^Same email ap@contoso\.com/ }] },
    },
    {
      name: "a contact's email counts, a little less",
      clients: [client('c1', 'Acme', 'billing@acme.example', ['Pat@Acme-Parent.example'])],
      customers: [customer('cus_1', 'Parent Holdings', 'pat@acme-parent.example')],
      expect: { c1: [{ customerId: 'cus_1', kind: 'email', min: 0.9, max: 0.94, reason: /contact pat@acme-parent\.example/ }] },
    },
    {
      name: 'email domain match (not free-mail)',
      clients: [client('c1', 'Zeta One', 'ap@zeta.example')],
      customers: [customer('cus_1', 'Accounts', 'billing@zeta.example')],
      expect: { c1: [{ customerId: 'cus_1', kind: 'domain', min: 0.6, max: 0.6, reason: /Same email domain zeta\.example/ }] },
    },
    {
      name: 'free-mail domains are never evidence',
      clients: [client('c1', 'Joe Plumbing', 'joe@gmail.com')],
      customers: [customer('cus_1', 'Mary Bakery', 'mary@gmail.com'), customer('cus_2', 'Ann', 'ann@proton.me')],
      expect: { c1: [] },
    },
    {
      name: 'domain and similar name reinforce each other',
      clients: [client('c1', 'Contoso Dental Group', 'ap@contoso.com')],
      customers: [customer('cus_1', 'Contoso Dental Group LLC', 'office@contoso.com')],
      expect: { c1: [{ customerId: 'cus_1', kind: 'name', min: 0.9, reason: /Same email domain contoso\.com.*|Company name 100% similar/ }] },
    },
    {
      name: 'near-identical names of different companies stay below the name threshold',
      clients: [client('c1', 'Contoso Dental')],
      customers: [customer('cus_legal', 'Contoso Legal')],
      expect: { c1: [] },
    },
    {
      name: 'the right one of two similar names wins',
      clients: [client('c1', 'Contoso Dental')],
      customers: [customer('cus_legal', 'Contoso Legal'), customer('cus_dental', 'Contoso Dental, Inc.')],
      expect: { c1: [{ customerId: 'cus_dental', kind: 'name', min: 0.85, reason: /100% similar: 'Contoso Dental' ≈ 'Contoso Dental, Inc.'/ }] },
    },
    {
      name: 'accents and case do not matter',
      clients: [client('c1', 'Café Müller GmbH')],
      customers: [customer('cus_1', 'CAFE MULLER')],
      expect: { c1: [{ customerId: 'cus_1', kind: 'name', min: 0.85 }] },
    },
    {
      name: 'a customer mapped to another client is excluded',
      clients: [client('c1', 'Contoso', 'ap@contoso.com')],
      customers: [customer('cus_taken', 'Contoso', 'ap@contoso.com')],
      mapped: new Map([['cus_taken', 'c2']]),
      expect: { c1: [] },
    },
    {
      name: "a customer mapped to this client is still this client's",
      clients: [client('c1', 'Contoso', 'ap@contoso.com')],
      customers: [customer('cus_mine', 'Contoso', 'ap@contoso.com')],
      mapped: new Map([['cus_mine', 'c1']]),
      expect: { c1: [{ customerId: 'cus_mine', kind: 'email' }] },
    },
    {
      name: 'a customer tagged for another client is excluded',
      clients: [client('c1', 'Contoso')],
      customers: [customer('cus_other', 'Contoso', null, { settle_installation_id: INST, settle_client_id: 'c2' })],
      expect: { c1: [] },
    },
    {
      name: 'two customers equally likely: both lose confidence and say so',
      clients: [client('c1', 'Fabrikam', 'ap@fabrikam.example')],
      customers: [customer('cus_a', 'Shipping', 'ship@fabrikam.example'), customer('cus_b', 'Sales', 'sales@fabrikam.example')],
      expect: {
        c1: [
          { customerId: 'cus_a', kind: 'domain', min: 0.45, max: 0.45, reason: /ambiguous: 2 customers/ },
          { customerId: 'cus_b', kind: 'domain', min: 0.45, max: 0.45, reason: /ambiguous/ },
        ],
      },
    },
    {
      name: 'same domain for two clients: the customer is ambiguous for both',
      clients: [client('c1', 'Alpha', 'a@shared.example'), client('c2', 'Beta', 'b@shared.example')],
      customers: [customer('cus_1', 'Accounts', 'acct@shared.example')],
      expect: {
        c1: [{ customerId: 'cus_1', kind: 'domain', max: 0.45, reason: /also about equally likely for 1 other client/ }],
        c2: [{ customerId: 'cus_1', kind: 'domain', max: 0.45, reason: /other client/ }],
      },
    },
    {
      name: 'same domain for two clients, but names tell them apart',
      clients: [client('c1', 'Shared Dental', 'a@shared.example'), client('c2', 'Shared Legal', 'b@shared.example')],
      customers: [customer('cus_d', 'Shared Dental', 'x@shared.example'), customer('cus_l', 'Shared Legal', 'y@shared.example')],
      expect: {
        c1: [{ customerId: 'cus_d', min: 0.9 }, { customerId: 'cus_l', kind: 'domain', max: 0.6 }],
        c2: [{ customerId: 'cus_l', min: 0.9 }, { customerId: 'cus_d', kind: 'domain', max: 0.6 }],
      },
    },
    {
      name: 'a domain shared by many customers is no evidence',
      clients: [client('c1', 'Zed', 'a@big.example')],
      customers: Array.from({ length: 11 }, (_, i) => customer(`cus_${i}`, `Person ${i}`, `p${i}@big.example`)),
      expect: { c1: [] },
    },
  ])('$name', ({ clients, customers, mapped, expect: expected }) => {
    const get = top(clients, customers, mapped);
    for (const [clientId, wanted] of Object.entries(expected)) {
      const got = get(clientId);
      expect(got.map((c) => c.customerId)).toEqual(wanted.map((w) => w.customerId));
      wanted.forEach((w, i) => {
        const c = got[i]!;
        if (w.kind) expect(c.kind).toBe(w.kind);
        if (w.min !== undefined) expect(c.confidence).toBeGreaterThanOrEqual(w.min);
        if (w.max !== undefined) expect(c.confidence).toBeLessThanOrEqual(w.max);
        if (w.reason) expect(c.reason).toMatch(w.reason);
        expect(c.confidence).toBeGreaterThanOrEqual(0);
        expect(c.confidence).toBeLessThanOrEqual(1);
      });
    }
  });

  it('is deterministic and independent of input order', () => {
    const clients = [client('c1', 'Fabrikam', 'ap@fabrikam.example'), client('c2', 'Contoso Dental')];
    const customers = [
      customer('cus_b', 'Sales', 'sales@fabrikam.example'),
      customer('cus_a', 'Shipping', 'ship@fabrikam.example'),
      customer('cus_c', 'Contoso Dental LLC'),
    ];
    const a = suggestMatches({ installationId: INST, clients, customers });
    const b = suggestMatches({ installationId: INST, clients: [...clients].reverse(), customers: [...customers].reverse() });
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  it('keeps at most maxCandidates, best first', () => {
    const customers = ['Northwind', 'Northwind Traders', 'Northwind Trading', 'Northwind Tr'].map((n, i) => customer(`cus_${i}`, n));
    const list = suggestMatches({ installationId: INST, clients: [client('c1', 'Northwind Traders')], customers, maxCandidates: 2 }).get('c1')!;
    expect(list).toHaveLength(2);
    expect(list[0]!.customerId).toBe('cus_1');
    expect(list[0]!.confidence).toBeGreaterThanOrEqual(list[1]!.confidence);
  });

  it('handles 10,000 × 10,000 in well under 3 s', () => {
    const words = ['Dental', 'Legal', 'Consulting', 'Logistics', 'Bakery', 'Motors', 'Health', 'Studio', 'Partners', 'Labs'];
    const clients: PsaClientInput[] = [];
    const customers: StripeCustomerInput[] = [];
    for (let i = 0; i < 10_000; i++) {
      const name = `Company${i} ${words[i % 10]} Group`;
      clients.push(client(`c${i}`, name, `ap@company${i}.example`, [`owner${i}@gmail.com`]));
      customers.push(customer(`cus_${i}`, i % 3 === 0 ? `${name} LLC` : `Firm${i} ${words[(i + 3) % 10]}`, i % 2 === 0 ? `billing@company${i}.example` : `x${i}@gmail.com`));
    }
    const start = process.cpuUsage();
    const result = suggestMatches({ installationId: INST, clients, customers });
    const used = process.cpuUsage(start);
    expect((used.user + used.system) / 1e6).toBeLessThan(3);
    expect(result.get('c0')![0]!.customerId).toBe('cus_0');
  });
});
