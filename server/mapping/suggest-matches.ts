// Suggests Stripe customers for PSA clients. PURE and deterministic: same input, same output, no
// I/O, no clock. Every candidate carries a confidence (0–1) and a reason a person can check.
//
// Signals, strongest first (each pair's signals combine by "noisy or": 1 − Π(1 − cᵢ)):
//   metadata  Stripe metadata names this installation and client (Settle created it)   → 1.0
//   email     the client's email (0.95) or a contact's email (0.9), trimmed, any case
//   domain    same email domain (0.6); free-mail domains are skipped, and so is a domain shared by
//             more than DOMAIN_FANOUT customers (it says nothing about which one)
//   name      normalized company-name similarity s ≥ NAME_MIN (confidence 0.85·s)
// Customers already mapped to (or tagged in metadata for) another client are never suggested.
// Ambiguity lowers confidence: when the best two customers of a client are equally likely, or one
// customer is equally likely for several clients, those candidates are multiplied by AMBIGUITY.
//
// Name similarity is the mean of two scores on the normalized names (lowercase, accents removed,
// punctuation and legal suffixes such as inc/llc/gmbh dropped):
//   - character-trigram Dice, robust to spacing and small typos ("Contosso" ≈ "Contoso"), and
//   - fuzzy token Dice (tokens equal, or ≥ 0.8 trigram-similar), which keeps companies that share
//     a leading word apart ("Contoso Dental" vs "Contoso Legal" scores 0.5 on tokens).
// Either alone fails one of those cases; the mean handles both.
//
// Cost is O(clients + customers) with bounded work per client: candidates come only from an email
// map, a domain map and a name-token inverted index whose very common tokens are skipped (capped
// posting lists), never from comparing every client with every customer.

export interface PsaClientInput {
  id: string;
  name: string;
  email: string | null;
  contactEmails: readonly string[];
}

export interface StripeCustomerInput {
  id: string;
  name: string | null;
  email: string | null;
  metadata: Readonly<Record<string, string>>;
}

export type MatchKind = 'metadata' | 'email' | 'domain' | 'name';

export interface MatchCandidate {
  customerId: string;
  confidence: number;
  /** Human words: "Same email ap@contoso.com; Company name 94% similar: 'A' ≈ 'B'". */
  reason: string;
  /** The strongest signal. */
  kind: MatchKind;
}

export interface SuggestMatchesInput {
  installationId: string;
  clients: readonly PsaClientInput[];
  customers: readonly StripeCustomerInput[];
  /** customer id → id of the client it is mapped to (from the clients table). */
  mappedCustomers?: ReadonlyMap<string, string>;
  /** Candidates kept per client (default 3). */
  maxCandidates?: number;
}

export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'ymail.com',
  'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'pm.me', 'gmx.com', 'gmx.de',
  'web.de', 'mail.com', 'zoho.com', 'yandex.com', 'fastmail.com', 'hey.com', 'qq.com', '163.com',
]);

const LEGAL_WORDS: ReadonlySet<string> = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'gmbh', 'plc',
  'pty', 'the', 'and', 'sa', 'ag', 'bv', 'srl', 'sarl', 'oy', 'ab', 'as', 'kg',
]);

export const SCORES = { metadata: 1, email: 0.95, contactEmail: 0.9, domain: 0.6, nameWeight: 0.85 } as const;
export const NAME_MIN = 0.6;
export const AMBIGUITY = 0.75;
/** A domain shared by more customers than this is not evidence for any one of them. */
export const DOMAIN_FANOUT = 10;
/** Name tokens found in more customers than this are too common to find candidates by. */
const TOKEN_POSTING_CAP = 200;
/** Name candidates scored per client (the ones sharing the most tokens). */
const NAME_CANDIDATE_CAP = 40;
const TIE = 0.02;
const MAX_CONFIDENCE_WITHOUT_METADATA = 0.99;

/** Lowercase, accents removed, punctuation and legal words dropped, spaces collapsed. */
export function normalizeCompanyName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' ')
    .replace(/['’`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !LEGAL_WORDS.has(w));
  return words.join(' ');
}

export function normalizeEmail(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase();
  return e && e.includes('@') ? e : null;
}

export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  const domain = at >= 0 ? email.slice(at + 1) : '';
  return domain.includes('.') ? domain : null;
}

function trigrams(text: string): Set<string> {
  const padded = `  ${text} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const g of small) if (large.has(g)) shared++;
  return (2 * shared) / (a.size + b.size);
}

interface NameFeatures {
  normalized: string;
  tokens: string[];
  grams: Set<string>;
  tokenGrams: Set<string>[];
}

function nameFeatures(name: string | null): NameFeatures | null {
  const normalized = normalizeCompanyName(name ?? '');
  if (!normalized) return null;
  const tokens = [...new Set(normalized.split(' '))];
  return { normalized, tokens, grams: trigrams(normalized), tokenGrams: tokens.map((t) => trigrams(t)) };
}

function fuzzyTokenDice(a: NameFeatures, b: NameFeatures): number {
  const used = new Set<number>();
  let matched = 0;
  a.tokens.forEach((token, i) => {
    let best = -1;
    for (let j = 0; j < b.tokens.length; j++) {
      if (used.has(j)) continue;
      if (b.tokens[j] === token) {
        best = j;
        break;
      }
      if (best === -1 && dice(a.tokenGrams[i]!, b.tokenGrams[j]!) >= 0.8) best = j;
    }
    if (best >= 0) {
      used.add(best);
      matched++;
    }
  });
  return (2 * matched) / (a.tokens.length + b.tokens.length);
}

/** Similarity of two company names in [0, 1] (see the file comment for the choice). */
export function nameSimilarity(a: string, b: string): number {
  const fa = nameFeatures(a);
  const fb = nameFeatures(b);
  return fa && fb ? similarity(fa, fb) : 0;
}

function similarity(a: NameFeatures, b: NameFeatures): number {
  if (a.normalized === b.normalized) return 1;
  return (dice(a.grams, b.grams) + fuzzyTokenDice(a, b)) / 2;
}

interface Signal {
  kind: MatchKind;
  confidence: number;
  reason: string;
}

const KIND_ORDER: Record<MatchKind, number> = { metadata: 0, email: 1, domain: 2, name: 3 };
const round3 = (n: number) => Math.round(n * 1000) / 1000;

function combine(customerId: string, signals: Signal[]): MatchCandidate {
  signals.sort((x, y) => y.confidence - x.confidence || KIND_ORDER[x.kind] - KIND_ORDER[y.kind]);
  const strongest = signals[0]!;
  let confidence: number;
  if (strongest.kind === 'metadata') confidence = 1;
  else confidence = Math.min(MAX_CONFIDENCE_WITHOUT_METADATA, 1 - signals.reduce((p, s) => p * (1 - s.confidence), 1));
  return { customerId, confidence: round3(confidence), reason: signals.map((s) => s.reason).join('; '), kind: strongest.kind };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const byRank = (a: MatchCandidate, b: MatchCandidate) => b.confidence - a.confidence || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0);

/**
 * Ranked candidates for every client (clients without any candidate map to an empty list).
 * Pure: never reads or writes anything; deterministic for the same input.
 */
export function suggestMatches(input: SuggestMatchesInput): Map<string, MatchCandidate[]> {
  const maxCandidates = input.maxCandidates ?? 3;
  const mapped = input.mappedCustomers ?? new Map<string, string>();

  // Indexes over the customers, built once.
  const byEmail = new Map<string, number[]>();
  const byDomain = new Map<string, number[]>();
  const byToken = new Map<string, number[]>();
  const byName = new Map<string, number[]>();
  const byMetadataClient = new Map<string, number[]>();
  const ownerOf: Array<string | null> = [];
  const features: Array<NameFeatures | null> = [];
  const customerEmail: Array<string | null> = [];
  input.customers.forEach((c, i) => {
    const tagged =
      c.metadata.settle_installation_id === input.installationId && c.metadata.settle_client_id ? c.metadata.settle_client_id : null;
    ownerOf.push(mapped.get(c.id) ?? tagged);
    if (tagged) push(byMetadataClient, tagged, i);
    const email = normalizeEmail(c.email);
    customerEmail.push(email);
    if (email) {
      push(byEmail, email, i);
      const domain = emailDomain(email);
      if (domain && !FREE_MAIL_DOMAINS.has(domain)) push(byDomain, domain, i);
    }
    const f = nameFeatures(c.name);
    features.push(f);
    if (f) {
      push(byName, f.normalized, i);
      for (const t of f.tokens) push(byToken, t, i);
    }
  });

  const result = new Map<string, MatchCandidate[]>();
  for (const client of input.clients) {
    const signals = new Map<number, Signal[]>();
    const add = (i: number, s: Signal) => {
      const owner = ownerOf[i];
      if (owner !== null && owner !== undefined && owner !== client.id) return; // someone else's customer
      push(signals, i, s);
    };

    for (const i of byMetadataClient.get(client.id) ?? []) {
      add(i, { kind: 'metadata', confidence: SCORES.metadata, reason: 'Created by Settle for this client (Stripe metadata)' });
    }

    const own = normalizeEmail(client.email);
    const emails = new Map<string, boolean>(); // email → is the client's own email
    if (own) emails.set(own, true);
    for (const e of client.contactEmails) {
      const n = normalizeEmail(e);
      if (n && !emails.has(n)) emails.set(n, false);
    }
    const domains = new Set<string>();
    for (const [email, isOwn] of emails) {
      for (const i of byEmail.get(email) ?? []) {
        add(i, isOwn
          ? { kind: 'email', confidence: SCORES.email, reason: `Same email ${email}` }
          : { kind: 'email', confidence: SCORES.contactEmail, reason: `Same email as contact ${email}` });
      }
      const domain = emailDomain(email);
      if (domain && !FREE_MAIL_DOMAINS.has(domain)) domains.add(domain);
    }
    for (const domain of domains) {
      const list = byDomain.get(domain) ?? [];
      if (list.length > DOMAIN_FANOUT) continue;
      for (const i of list) {
        // An exact email match already says more than its domain.
        if (emails.has(customerEmail[i] ?? '')) continue;
        add(i, { kind: 'domain', confidence: SCORES.domain, reason: `Same email domain ${domain}` });
      }
    }

    const f = nameFeatures(client.name);
    if (f) {
      const overlap = new Map<number, number>();
      for (const i of byName.get(f.normalized) ?? []) overlap.set(i, f.tokens.length + 1);
      const postings = f.tokens.map((t) => byToken.get(t) ?? []);
      const usable = postings.filter((p) => p.length <= TOKEN_POSTING_CAP);
      for (const list of usable) for (const i of list) overlap.set(i, (overlap.get(i) ?? 0) + 1);
      const candidates = [...overlap.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, NAME_CANDIDATE_CAP);
      for (const [i] of candidates) {
        const cf = features[i];
        if (!cf) continue;
        const s = similarity(f, cf);
        if (s < NAME_MIN) continue;
        const pct = Math.round(s * 100);
        const reason = s === 1 && client.name.trim() === (input.customers[i]!.name ?? '').trim()
          ? `Same company name '${client.name.trim()}'`
          : `Company name ${pct}% similar: '${client.name.trim()}' ≈ '${(input.customers[i]!.name ?? '').trim()}'`;
        add(i, { kind: 'name', confidence: SCORES.nameWeight * s, reason });
      }
    }

    const ranked = [...signals.entries()].map(([i, list]) => combine(input.customers[i]!.id, list)).sort(byRank);
    // Two customers equally likely for one client: neither is a confident answer.
    const top = ranked[0];
    if (top && top.kind !== 'metadata') {
      const tied = ranked.filter((c) => top.confidence - c.confidence <= TIE);
      if (tied.length > 1) {
        for (const c of tied) {
          c.confidence = round3(c.confidence * AMBIGUITY);
          c.reason += `; ambiguous: ${tied.length} customers are about equally likely`;
        }
        ranked.sort(byRank);
      }
    }
    result.set(client.id, ranked.slice(0, maxCandidates));
  }

  // One customer equally likely for several clients (e.g. two clients on one email domain).
  const bestFor = new Map<string, { confidence: number; clients: string[] }>();
  for (const [clientId, list] of result) {
    const c = list[0];
    if (!c || c.kind === 'metadata') continue;
    const seen = bestFor.get(c.customerId);
    if (!seen || c.confidence - seen.confidence > TIE) bestFor.set(c.customerId, { confidence: c.confidence, clients: [clientId] });
    else if (Math.abs(seen.confidence - c.confidence) <= TIE) seen.clients.push(clientId);
  }
  for (const [customerId, { clients }] of bestFor) {
    if (clients.length < 2) continue;
    for (const clientId of clients) {
      const list = result.get(clientId)!;
      const c = list.find((x) => x.customerId === customerId)!;
      c.confidence = round3(c.confidence * AMBIGUITY);
      c.reason += `; ambiguous: also about equally likely for ${clients.length - 1} other client${clients.length > 2 ? 's' : ''}`;
      list.sort(byRank);
    }
  }
  return result;
}
