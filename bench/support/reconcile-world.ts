// The receivables of a synthetic MSP for the reconciliation benchmark: clients and their invoices,
// seeded and deterministic. Modelled on how MSPs bill, not on what the engine finds easy:
// - client names are built from a limited stock of words, so similar names are common ("Harbor
//   Dental", "Harbor Dental Group", "Harbor Legal"); 12 % of clients use a free-mail address and
//   6 % share an email domain with a sister company;
// - most invoices are the monthly managed-services fee, priced per seat from a short price list, so
//   the same amount is open for many clients and for several months of one client; the rest are
//   projects and hardware with arbitrary cents;
// - numbers come from one global sequence ("INV-001043"), so every number has look-alikes (1043,
//   10430, 1034) somewhere in the book;
// - 5 % of clients bill in CAD or EUR; about 5 % of invoices are already paid (amount_due 0).

export type Rng = () => number;

/** mulberry32: small, fast, good enough for test data. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
export const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
export const chance = (rng: Rng, p: number) => rng() < p;

const FIRST = [
  'Harbor', 'Summit', 'Pinecrest', 'Riverside', 'Oakwood', 'Maple', 'Cedar', 'Granite', 'Lakeside', 'Northwind', 'Contoso', 'Fabrikam',
  'Adatum', 'Tailspin', 'Wingtip', 'Blue Ridge', 'Silver Creek', 'Redwood', 'Ironwood', 'Bayview', 'Hillcrest', 'Meadow', 'Stonebridge',
  'Clearwater', 'Evergreen', 'Westfield', 'Eastgate', 'Brookside', 'Fairview', 'Highland', 'Kingston', 'Lincoln', 'Madison', 'Franklin',
  'Jefferson', 'Hamilton', 'Sterling', 'Beacon', 'Compass', 'Anchor', 'Keystone', 'Liberty', 'Patriot', 'Pioneer', 'Frontier', 'Heritage',
  'Legacy', 'Premier', 'Apex', 'Vertex', 'Zenith', 'Horizon', 'Coastal', 'Prairie', 'Canyon', 'Mesa', 'Sierra', 'Alpine', 'Glacier',
  'Sunrise', 'Sunset', 'Golden', 'Crystal', 'Emerald', 'Sapphire', 'Ruby', 'Diamond', 'Phoenix', 'Falcon', 'Eagle', 'Hawk', 'Osprey',
  'Mustang', 'Bison', 'Cardinal', 'Heron', 'Willow', 'Aspen', 'Birch', 'Spruce', 'Juniper', 'Magnolia', 'Sequoia', 'Cypress', 'Laurel',
  'Smith', 'Johnson', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor',
  'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker',
  'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera',
  'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Patel', 'Shah', 'Cohen', 'Murphy', "O'Brien", 'Kelly', 'Sullivan', 'Bennett', 'Brooks',
];
const SECOND = [
  'Dental', 'Family Dentistry', 'Orthodontics', 'Legal', 'Law', 'Accounting', 'CPA', 'Tax', 'Insurance', 'Realty', 'Properties', 'Construction',
  'Builders', 'Plumbing', 'Electric', 'HVAC', 'Roofing', 'Logistics', 'Freight', 'Auto', 'Motors', 'Medical', 'Clinic', 'Pediatrics',
  'Chiropractic', 'Veterinary', 'Animal Hospital', 'Pharmacy', 'Bakery', 'Cafe', 'Brewing', 'Foods', 'Manufacturing', 'Machining', 'Labs',
  'Engineering', 'Architects', 'Design', 'Studio', 'Media', 'Marketing', 'Consulting', 'Advisors', 'Capital', 'Wealth', 'Financial',
  'Credit Union', 'Church', 'Academy', 'School', 'Montessori', 'Library', 'Foundation', 'Nonprofit', 'Fitness', 'Spa', 'Salon', 'Hotel',
];
const THIRD = ['', '', '', '', 'Group', 'Partners', 'Associates', 'Services', 'Center', 'Co'];
const SUFFIX = ['', '', 'LLC', 'LLC', 'Inc.', 'Inc', 'Ltd', 'PLLC', 'P.C.', 'Corp.', 'LLP', 'L.L.C.'];
export const FREE_MAIL = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'aol.com', 'icloud.com'];
const MAILBOXES = ['ap', 'billing', 'accounts', 'office', 'admin', 'finance', 'payables'];
/** Per-seat monthly prices (cents) of a typical MSP's plans, and the seat counts clients have. */
const SEAT_PRICES = [9_900, 12_500, 14_900, 17_500];
const SEATS = [3, 4, 5, 5, 6, 8, 10, 10, 12, 15, 20, 25, 30, 40, 50];

export interface WorldClient {
  id: string;
  name: string;
  email: string;
  /** The company words without legal suffix, for payer-name variants. */
  baseName: string;
  domain: string | null;
  currency: string;
}

export interface WorldInvoice {
  id: string;
  client: number;
  number: string;
  currency: string;
  total: number;
  issued: number;
  paidBefore: boolean;
}

export interface World {
  clients: WorldClient[];
  invoices: WorldInvoice[];
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
const DAY = 86_400_000;
/** Invoices are issued over the year before the payments start. */
export const WORLD_START = Date.UTC(2024, 0, 1);

/** Builds clients and about `openInvoices` open invoices (plus ~5 % already paid). */
export function buildWorld(rng: Rng, openInvoices: number): World {
  const clientCount = Math.max(3, Math.round(openInvoices / 8));
  const clients: WorldClient[] = [];
  const taken = new Set<string>();
  for (let c = 0; clients.length < clientCount; c++) {
    const base = [pick(rng, FIRST), pick(rng, SECOND), pick(rng, THIRD)].filter(Boolean).join(' ');
    const key = slug(base);
    if (taken.has(key)) {
      if (c > clientCount * 20) throw new Error('name stock too small');
      continue;
    }
    taken.add(key);
    const suffix = pick(rng, SUFFIX);
    const roll = rng();
    const sister = clients.length > 0 && roll > 0.94 ? clients[int(rng, 0, clients.length - 1)]! : null;
    const domain = roll < 0.12 ? null : sister?.domain ? sister.domain : `${key}.com`;
    const email = domain ? `${pick(rng, MAILBOXES)}${sister?.domain === domain ? `-${key.slice(0, 6)}` : ''}@${domain}` : `${key}${int(rng, 1, 99)}@${pick(rng, FREE_MAIL)}`;
    const currency = chance(rng, 0.03) ? 'CAD' : chance(rng, 0.02) ? 'EUR' : 'USD';
    clients.push({ id: `cl_${clients.length + 1}`, name: suffix ? `${base} ${suffix}` : base, email, baseName: base, domain, currency });
  }

  // Invoice counts are skewed: most clients have a handful open, a few have dozens.
  const weights = clients.map(() => (chance(rng, 0.1) ? int(rng, 15, 60) : int(rng, 2, 10)));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const drafts: Array<Omit<WorldInvoice, 'id' | 'number'>> = [];
  clients.forEach((client, ci) => {
    const count = Math.max(1, Math.round((weights[ci]! / totalWeight) * openInvoices * 1.05));
    const fee = pick(rng, SEAT_PRICES) * pick(rng, SEATS);
    const startDay = int(rng, 0, 30);
    for (let k = 0; k < count; k++) {
      const recurring = chance(rng, 0.6);
      const total = recurring ? fee : chance(rng, 0.5) ? int(rng, 15_000, 1_200_000) : int(rng, 3, 120) * 2_500;
      const issued = WORLD_START + (startDay + Math.floor((k * 360) / count) + int(rng, 0, 3)) * DAY;
      drafts.push({ client: ci, currency: client.currency, total, issued, paidBefore: chance(rng, 0.05) });
    }
  });
  drafts.sort((a, b) => a.issued - b.issued || a.client - b.client);
  const invoices = drafts.map((d, i) => ({ ...d, id: `in_${i + 1}`, number: `INV-${String(i + 1).padStart(6, '0')}` }));
  return { clients, invoices };
}
