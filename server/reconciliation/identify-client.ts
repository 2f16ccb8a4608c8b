// Who paid? Scores clients against a payer's name and email. PURE and deterministic.
//
// Signals per client (combined by "noisy or": 1 − Π(1 − sᵢ)):
//   email    the client's email, any case                                   0.95
//   domain   the client's email domain, unless it is a free-mail domain      0.9 (0.5 when shared)
//   name     the same company name after normalization (case, accents,
//            punctuation, "L.L.C.", legal suffixes such as Inc/LLC/Ltd)       0.9
//            the start of the client's full name, cut by the bank (15+
//            characters: ACH prints 16 for a company, 22 for a person), inside
//            a word, or at a word boundary when no client has exactly that name 0.9
//            a similar name (token similarity s ≥ 0.6, see below)           0.85·s
// The engine adds evidence of its own (an invoice number that belongs to one client, an amount that
// matches one candidate's open invoice) before it decides with `decideClient`.
//
// Name similarity is built for how banks show payers — the account holder's name, uppercased,
// truncated to a field width, suffixes varying, common abbreviations — not for hand-typed typos:
// tokens match when equal, when one is a prefix of the other (3+ letters: "DENT" ~ "dental"; any
// length for the payer's last token, which is where a bank cuts: "WALKER PLUMBING G"), or through a
// short abbreviation list ("grp" ~ "group"); s = 2·matched / (tokens of both). Professional suffixes
// the mapping normalizer keeps (PLLC, P.C., P.A.) are dropped too. Candidates are the clients whose
// name starts with the payer's first word and goes on with its second: banks cut names at the end,
// never at the start.
//
// A client is CERTAIN when its score reaches CERTAIN and its odds (s / (1 − s)) are at least
// ODDS_LEAD times the next client's: a guess between two similar clients is never a certainty,
// however high both score, and strong evidence on top of a shared name (an invoice number of one of
// them) still separates them, which a fixed gap in score cannot once both are near 1.
import { emailDomain, FREE_MAIL_DOMAINS, normalizeCompanyName, normalizeEmail } from '../mapping/suggest-matches';

export const CLIENT_SIGNALS = { email: 0.95, domain: 0.9, sharedDomain: 0.5, name: 0.9, cutName: 0.9, similarNameWeight: 0.85, similarNameMin: 0.6 } as const;
export const CERTAIN = 0.9;
/** The certain client's odds must be this many times the runner-up's (0.9 against 0.7 passes). */
export const ODDS_LEAD = 3.5;
/** Below this a candidate is not worth suggesting. */
export const SUGGEST_MIN = 0.3;
/** A payer name this long that is the start of a client's full name is read as cut by the bank. */
export const BANK_CUT_MIN_LENGTH = 15;
const MAX_SCORE = 0.999;
/** First words shared by more clients than this also need the second word to find candidates. */
const FIRST_WORD_FANOUT = 1_000;
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  grp: 'group', svc: 'services', svcs: 'services', serv: 'services', assoc: 'associates', assocs: 'associates', mgmt: 'management',
  intl: 'international', ctr: 'center', cntr: 'center', mfg: 'manufacturing', bros: 'brothers', dent: 'dental', med: 'medical',
  acct: 'accounting', accts: 'accounting', hosp: 'hospital', univ: 'university', natl: 'national', dist: 'distribution',
};

const PROFESSIONAL_SUFFIXES: ReadonlySet<string> = new Set(['pllc', 'pc', 'pa', 'psc']);

const tokensOf = (normalized: string) => [...new Set(normalized.split(' ').map((t) => ABBREVIATIONS[t] ?? t))];

/**
 * "O'Brien Family Dentistry, P.C." → "obrien family dentistry pc": the full name as a bank prints it
 * (legal suffix kept), to recognize a name cut at a field width. A leading "the" is dropped.
 */
export function printedName(name: string): string {
  return printedText(name).replace(/^the /, '');
}

function printedText(name: string): string {
  // Names are nearly always plain ASCII: skip the Unicode passes for them.
  const plain = ASCII.test(name) ? name.toLowerCase() : name.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  return plain.replace(/['’`.]/g, '').replace(NOT_LETTER_OR_DIGIT, ' ').trim();
}
const ASCII = /^[\x20-\x7e]*$/;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

const firstWords = (printed: string, n: number) => printed.split(' ', n).join(' ');

function tokensMatch(a: string, b: string, cut: boolean): boolean {
  if (a === b) return true;
  if (cut && b.startsWith(a)) return true;
  return Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a));
}

/** Token similarity of a payer's name tokens `a` and a client's `b`, in [0, 1] (see the file comment). */
export function tokenSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let used = 0; // bit k: b[k] is taken (names have far fewer than 31 words; later ones never match)
  let matched = 0;
  for (let n = 0; n < a.length; n++) {
    const t = a[n]!;
    const cut = n === a.length - 1;
    for (let k = 0; k < b.length && k < 31; k++) {
      if (used & (1 << k) || !tokensMatch(t, b[k]!, cut)) continue;
      used |= 1 << k;
      matched++;
      break;
    }
  }
  return (2 * matched) / (a.length + b.length);
}

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
  return normalizeCompanyName(name.replace(/\.(?=\S)/g, ''))
    .split(' ')
    .filter((t) => !PROFESSIONAL_SUFFIXES.has(t))
    .join(' ');
}

const odds = (p: number) => p / (1 - p);

export const combineScores = (a: number, b: number) => Math.min(MAX_SCORE, 1 - (1 - a) * (1 - b));

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * `normalize` applied word by word, through a cache. Both normalizers treat white space as a word
 * boundary and nothing else across words, so the result equals `normalize(name)` (a test checks it),
 * but a directory of 15,000 names runs the Unicode-aware regular expressions on a few hundred words.
 */
function byWord(name: string, cache: Map<string, string>, normalize: (word: string) => string): string {
  let out = '';
  for (const word of name.split(/\s+/)) {
    if (word === '') continue;
    let n = cache.get(word);
    if (n === undefined) cache.set(word, (n = normalize(word)));
    if (n !== '') out = out === '' ? n : `${out} ${n}`;
  }
  return out;
}

/** Indexes over the clients, built once per run: exact email, domain, normalized name, first words. */
export class ClientDirectory {
  private readonly byEmail = new Map<string, number[]>();
  private readonly byDomain = new Map<string, number[]>();
  private readonly byName = new Map<string, number[]>();
  /** First printed word → clients; for crowded first words also the first two words → clients. */
  private readonly byFirst = new Map<string, number[]>();
  private readonly tokens: string[][] = [];
  private readonly printed: string[] = [];
  /** The second printed word of each client's name, if any. */
  private readonly second: Array<string | undefined> = [];
  private readonly emails: Array<string | null> = [];

  constructor(clients: readonly ClientLike[]) {
    // Names share their words ("Harbor", "Dental", "LLC"): normalize each distinct word once.
    const normalizedWords = new Map<string, string>();
    const printedWords = new Map<string, string>();
    clients.forEach((c, i) => {
      const email = normalizeEmail(c.email);
      this.emails.push(email);
      if (email) {
        push(this.byEmail, email, i);
        const domain = emailDomain(email);
        if (domain && !FREE_MAIL_DOMAINS.has(domain)) push(this.byDomain, domain, i);
      }
      const normalized = byWord(c.name, normalizedWords, normalizePayerName);
      this.tokens.push(normalized ? tokensOf(normalized) : []);
      const printed = byWord(c.name, printedWords, printedText).replace(/^the /, '');
      this.printed.push(printed);
      this.second.push(printed.split(' ', 2)[1]);
      if (normalized) push(this.byName, normalized, i);
      if (printed) {
        push(this.byFirst, firstWords(printed, 1), i);
        if (printed.includes(' ')) push(this.byFirst, firstWords(printed, 2), i);
      }
    });
  }

  /**
   * Client index → score from the payer's name and email alone (only clients with a signal).
   * `relatives`, when given, receives the clients whose name begins like the payer's but is too
   * different to score ("CONTOSO" against "Contoso Dental Group"): not evidence for them, but a
   * reason not to read a fitting amount as evidence for a look-alike.
   */
  candidates(payer: Payer, relatives?: number[]): Map<number, number> {
    const scores = new Map<number, number>();
    const add = (i: number, s: number) => scores.set(i, combineScores(scores.get(i) ?? 0, s));
    const email = normalizeEmail(payer.email);
    if (email) {
      for (const i of this.byEmail.get(email) ?? []) add(i, CLIENT_SIGNALS.email);
      const domain = emailDomain(email);
      const sameDomain = domain && !FREE_MAIL_DOMAINS.has(domain) ? (this.byDomain.get(domain) ?? []) : [];
      for (const i of sameDomain) {
        if (this.emails[i] === email) continue; // already counted as the same email
        add(i, sameDomain.length === 1 ? CLIENT_SIGNALS.domain : CLIENT_SIGNALS.sharedDomain);
      }
    }
    if (payer.name) this.nameSignals(payer.name, add, relatives);
    return scores;
  }

  private nameSignals(name: string, add: (i: number, s: number) => void, relatives?: number[]): void {
    const normalized = normalizePayerName(name);
    const printed = printedName(name);
    if (!normalized || !printed) return;
    const exact = this.byName.get(normalized) ?? [];
    for (const i of exact) add(i, CLIENT_SIGNALS.name);
    const words = printed.split(' ', 2);
    // With three or more words the second is whole (a bank cuts only the last): look up both.
    let pool = this.byFirst.get(words[0]!) ?? [];
    if (words.length > 1 && (pool.length > FIRST_WORD_FANOUT || printed.indexOf(' ', words[0]!.length + words[1]!.length + 1) > 0)) {
      pool = this.byFirst.get(`${words[0]} ${words[1]}`) ?? [];
    }
    const second = words[1];
    const cut = name.trim().length >= BANK_CUT_MIN_LENGTH;
    let tokens: string[] | null = null;
    for (const i of pool) {
      if (exact.length > 0 && exact.includes(i)) continue;
      // The second word must agree too (or be cut short): "Harbor Legal" is no candidate for
      // "HARBOR DENTAL", which keeps the work per payer to a handful of clients.
      const theirs = this.second[i];
      if (second !== undefined && theirs !== undefined && !theirs.startsWith(second) && !(second.length >= 3 && second.startsWith(theirs))) continue;
      // A cut inside a word cannot be a whole name; a cut at a word boundary can, so it counts as
      // a cut only when no client has exactly that name.
      const full = this.printed[i]!;
      if (cut && full.startsWith(printed) && (exact.length === 0 || (full.length > printed.length && full[printed.length] !== ' '))) {
        add(i, CLIENT_SIGNALS.cutName);
        continue;
      }
      tokens ??= tokensOf(normalized);
      const s = tokenSimilarity(tokens, this.tokens[i]!);
      if (s >= CLIENT_SIGNALS.similarNameMin) add(i, CLIENT_SIGNALS.similarNameWeight * s);
      else if (s > 0) relatives?.push(i);
    }
  }
}

/** Whether the best-scored client is already certain (see `decideClient`); no sorting, no allocation. */
export function leadsCertainly(scores: ReadonlyMap<number, number>): boolean {
  let top = 0;
  let second = 0;
  for (const s of scores.values()) {
    if (s > top) [top, second] = [s, top];
    else if (s > second) second = s;
  }
  return top >= CERTAIN && (second < SUGGEST_MIN || odds(top) >= ODDS_LEAD * odds(second));
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
  if (second && odds(top[1]) < ODDS_LEAD * odds(second[1])) return { status: 'ambiguous', ranked };
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
