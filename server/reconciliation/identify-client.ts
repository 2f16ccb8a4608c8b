// Who paid? Scores clients against a payer's name and email. PURE and deterministic.
//
// Signals per client (combined by "noisy or": 1 − Π(1 − sᵢ)):
//   email    the client's email, any case                                   0.95
//   domain   the client's email domain, unless it is a free-mail domain      0.85 (0.5 when shared)
//   name     the same company name after normalization (case, accents,
//            punctuation, "L.L.C.", legal suffixes such as Inc/LLC/Ltd)       0.9
//            a similar name (trigram + token similarity s ≥ 0.6)             0.85·s
// The engine adds evidence of its own (an invoice number that belongs to one client, an amount that
// matches one candidate's open invoice) before it decides with `decideClient`.
//
// A client is CERTAIN when its score reaches CERTAIN and leads the next one by at least GAP: a guess
// between two similar clients is never a certainty, however high both score.
import {
  emailDomain,
  FREE_MAIL_DOMAINS,
  nameSimilarity,
  normalizeCompanyName,
  normalizeEmail,
} from '../mapping/suggest-matches';

export const CLIENT_SIGNALS = { email: 0.95, domain: 0.85, sharedDomain: 0.5, name: 0.9, similarNameWeight: 0.85, similarNameMin: 0.6 } as const;
export const CERTAIN = 0.9;
export const GAP = 0.2;
/** Below this a candidate is not worth suggesting. */
export const SUGGEST_MIN = 0.3;
const MAX_SCORE = 0.99;
/** Name tokens shared by more clients than this do not find candidates (e.g. "dental"). */
const TOKEN_POSTING_CAP = 200;
const NAME_CANDIDATE_CAP = 20;

export interface Payer {
  name: string | null;
  email: string | null;
}

export interface ClientLike {
  name: string;
  email?: string | null;
}

/** "Contoso Dental Group, L.L.C." → "contoso dental group". */
export function normalizePayerName(name: string): string {
  return normalizeCompanyName(name.replace(/\.(?=\S)/g, ''));
}

export const combineScores = (a: number, b: number) => Math.min(MAX_SCORE, 1 - (1 - a) * (1 - b));

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Indexes over the clients, built once per run: exact email, domain, normalized name, name tokens. */
export class ClientDirectory {
  private readonly byEmail = new Map<string, number[]>();
  private readonly byDomain = new Map<string, number[]>();
  private readonly byName = new Map<string, number[]>();
  private readonly byToken = new Map<string, number[]>();
  private readonly cleanNames: string[] = [];

  constructor(private readonly clients: readonly ClientLike[]) {
    clients.forEach((c, i) => {
      const email = normalizeEmail(c.email);
      if (email) {
        push(this.byEmail, email, i);
        const domain = emailDomain(email);
        if (domain && !FREE_MAIL_DOMAINS.has(domain)) push(this.byDomain, domain, i);
      }
      const clean = c.name.replace(/\.(?=\S)/g, '');
      this.cleanNames.push(clean);
      const normalized = normalizeCompanyName(clean);
      if (!normalized) return;
      push(this.byName, normalized, i);
      for (const t of new Set(normalized.split(' '))) push(this.byToken, t, i);
    });
  }

  /** Client index → score from the payer's name and email alone (only clients with a signal). */
  candidates(payer: Payer): Map<number, number> {
    const scores = new Map<number, number>();
    const add = (i: number, s: number) => scores.set(i, combineScores(scores.get(i) ?? 0, s));
    const email = normalizeEmail(payer.email);
    if (email) {
      for (const i of this.byEmail.get(email) ?? []) add(i, CLIENT_SIGNALS.email);
      const domain = emailDomain(email);
      const sameDomain = domain && !FREE_MAIL_DOMAINS.has(domain) ? (this.byDomain.get(domain) ?? []) : [];
      for (const i of sameDomain) {
        if (normalizeEmail(this.clients[i]!.email) === email) continue; // already counted as the same email
        add(i, sameDomain.length === 1 ? CLIENT_SIGNALS.domain : CLIENT_SIGNALS.sharedDomain);
      }
    }
    const cleanPayer = payer.name?.replace(/\.(?=\S)/g, '') ?? '';
    const normalized = normalizeCompanyName(cleanPayer);
    if (normalized) {
      const exact = this.byName.get(normalized) ?? [];
      for (const i of exact) add(i, CLIENT_SIGNALS.name);
      const overlap = new Map<number, number>();
      for (const t of new Set(normalized.split(' '))) {
        const posting = this.byToken.get(t) ?? [];
        if (posting.length > TOKEN_POSTING_CAP) continue;
        for (const i of posting) overlap.set(i, (overlap.get(i) ?? 0) + 1);
      }
      const ranked = [...overlap.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, NAME_CANDIDATE_CAP);
      for (const [i] of ranked) {
        if (exact.includes(i)) continue;
        const s = nameSimilarity(cleanPayer, this.cleanNames[i]!);
        if (s >= CLIENT_SIGNALS.similarNameMin) add(i, CLIENT_SIGNALS.similarNameWeight * s);
      }
    }
    return scores;
  }
}

export type ClientDecision =
  | { status: 'certain'; client: number; confidence: number; ranked: Array<[number, number]> }
  | { status: 'unknown' | 'ambiguous' | 'uncertain'; ranked: Array<[number, number]> };

/**
 * Ranks candidates (score desc, then the given order key) and decides whether the top one is certain.
 * `order` gives each candidate a stable tie-break (the client's id), so ties never depend on input order.
 */
export function decideClient(scores: ReadonlyMap<number, number>, order: (i: number) => string): ClientDecision {
  const ranked = [...scores.entries()]
    .filter(([, s]) => s >= SUGGEST_MIN)
    .sort((a, b) => b[1] - a[1] || (order(a[0]) < order(b[0]) ? -1 : order(a[0]) > order(b[0]) ? 1 : 0));
  const [top, second] = ranked;
  if (!top) return { status: 'unknown', ranked };
  if (second && top[1] - second[1] < GAP) return { status: 'ambiguous', ranked };
  if (top[1] < CERTAIN) return { status: 'uncertain', ranked };
  return { status: 'certain', client: top[0], confidence: top[1], ranked };
}

export interface IdentifiedClient<Id> {
  status: 'certain' | 'unknown' | 'ambiguous' | 'uncertain';
  /** Set when certain. */
  client_id: Id | null;
  candidates: Array<{ client_id: Id; score: number }>;
}

/**
 * Identifies the client behind a payer from name and email alone (a helper for the UI and the
 * database side; the engine adds invoice-number and amount evidence). Pure; never guesses: a client
 * is returned only when certain.
 */
export function identifyClient<C extends ClientLike & { id: string | number }>(payer: Payer, clients: readonly C[]): IdentifiedClient<C['id']> {
  const directory = new ClientDirectory(clients);
  const decision = decideClient(directory.candidates(payer), (i) => String(clients[i]!.id));
  return {
    status: decision.status,
    client_id: decision.status === 'certain' ? clients[decision.client]!.id : null,
    candidates: decision.ranked.slice(0, 5).map(([i, score]) => ({ client_id: clients[i]!.id, score: Math.round(score * 1000) / 1000 })),
  };
}
