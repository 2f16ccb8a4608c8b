// Finds invoice numbers in a payment reference or memo. PURE.
//
// An invoice number is compared by its KEY: its digit runs with leading zeros dropped, joined by "-"
// ("INV-001043" → "1043", "2024-0042" → "2024-42"). Keys are compared whole, so 1043 never matches
// 10430 or 1034, and the formatting around the digits ("INV-1043", "inv 1043", "#1043", "INV1043")
// does not matter.
//
// A mention is STRONG when something says it is an invoice number: a marker word right before it
// ("inv", "invoice", "no", "#", or the letter prefix of a known number such as "SO"), or it continues
// a list that started with one ("Invoices 1043, 1044 & 1045", "INV 1043 1044"). Any other run of
// digits is WEAK: it may be an invoice number written bare ("payment 1043"), but also a purchase
// order, an amount or a date, so weak mentions count only with 3+ digits, never inside an amount
// ("$1,043.00", "1043.50") or a date ("2025-03-14"), and the engine uses them only for invoices of
// a client it already knows.
//
// OCR-like letters inside a number ("1O43", "INV-1O43", "1043l") are read as the digits they look
// like, when the letters sit between digits and there are at most two of them; such mentions are
// flagged so the engine can trust them a little less.

export interface NumberMention {
  /** The key that matched a known number, or the whole number's key when none did. */
  key: string;
  strong: boolean;
  /** Letters were read as digits to find it. */
  ocr: boolean;
}

const MARKERS: ReadonlySet<string> = new Set([
  'inv', 'invs', 'invoice', 'invoices', 'invoiced', 'no', 'nos', 'nr', 'nbr', 'num', 'number', 'numbers', 'bill', 'bills', 'fact', 'facture',
]);
const LIST_WORDS: ReadonlySet<string> = new Set(['and', 'plus', 'also']);
const LOOKALIKE: Readonly<Record<string, string>> = { O: '0', o: '0', I: '1', l: '1', S: '5', B: '8', Z: '2' };

/** "INV-001043" → "1043"; "2024-0042" → "2024-42"; null when the number has no digits. */
export function invoiceNumberKey(number: string): string | null {
  // A character loop rather than a regular expression: it runs for every invoice of every call.
  let key = '';
  let any = false;
  for (let i = 0; i < number.length; ) {
    const c = number.charCodeAt(i);
    if (c < 48 || c > 57) {
      i++;
      continue;
    }
    let start = i;
    while (i < number.length && number.charCodeAt(i) >= 48 && number.charCodeAt(i) <= 57) i++;
    while (start < i - 1 && number.charCodeAt(start) === 48) start++; // leading zeros, keeping one digit
    key += (any ? '-' : '') + number.slice(start, i);
    any = true;
  }
  return any ? key : null;
}

/** Lowercase letters in front of the first digit ("SO-1043" → "so"), to recognize as a marker. */
export function invoiceNumberPrefix(number: string): string | null {
  const m = /^([A-Za-z]{2,})[^A-Za-z0-9]*\d/.exec(number.trim());
  return m ? m[1]!.toLowerCase() : null;
}

function stripZeros(run: string): string {
  let start = 0;
  while (start < run.length - 1 && run.charCodeAt(start) === 48) start++;
  return start === 0 ? run : run.slice(start);
}

const digitCount = (key: string) => key.replace(/-/g, '').length;

/** Whether a token has a digit after a letter or a letter after a digit; most have not ("INV", "1043"). */
function mixesLettersAndDigits(part: string): boolean {
  let digits = false;
  let letters = false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c >= 48 && c <= 57) digits = true;
    else letters = true;
    if (digits && letters) return true;
  }
  return false;
}

/** Reads look-alike letters as digits in a token like "1O43" (at most two letters, at least two digits). */
function readLookalikes(part: string): { text: string; ocr: boolean } {
  if (!mixesLettersAndDigits(part)) return { text: part, ocr: false };
  const m = /^([A-Za-z]*)(\d[0-9A-Za-z]*\d)$/.exec(part);
  if (!m) return { text: part, ocr: false };
  const body = m[2]!;
  const letters = body.replace(/\d/g, '');
  if (letters.length === 0 || letters.length > 2 || body.length - letters.length < 2) return { text: part, ocr: false };
  if (![...letters].every((ch) => ch in LOOKALIKE)) return { text: part, ocr: false };
  return { text: m[1]! + [...body].map((ch) => LOOKALIKE[ch] ?? ch).join(''), ocr: true };
}

/** Tokens of a reference: "#", a list separator, or a word/number run ("INV-2024-0042"). Shared: reset before use. */
const TOKEN = /#|[,&+;]|[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*/g;
const SEPARATORS = ',&+;';

/**
 * Every number mentioned in a reference, with its candidate keys. `isKnown` says whether a key names
 * a known invoice; a composite number whose whole key is known is not also split into its parts.
 */
export function scanReference(reference: string | null, isKnown: (key: string) => boolean, prefixes?: ReadonlySet<string>): NumberMention[] {
  if (!reference) return [];
  const out: NumberMention[] = [];
  let marker = false; // the next number is announced by a marker
  let listing = false; // the last thing seen was a strong number (a list may continue)
  const tokenRe = TOKEN;
  tokenRe.lastIndex = 0;
  for (let m = tokenRe.exec(reference); m; m = tokenRe.exec(reference)) {
    const token = m[0];
    if (token === '#') {
      marker = true;
      continue;
    }
    if (token.length === 1 && SEPARATORS.includes(token)) {
      if (listing) marker = true;
      continue;
    }
    const before = reference[m.index - 1] ?? '';
    const after = reference.slice(m.index + token.length, m.index + token.length + 3);
    const amountLike = /[$€£¥]/.test(before) || /^[.,]\d/.test(after) || (/^\d{1,3}$/.test(token) && /^,\d{3}/.test(after));
    // Split "INV-2024-0042" into words and numbers; consecutive numbers form one composite number.
    const pieces: Array<{ word: string } | { digits: string[]; ocr: boolean }> = [];
    for (const raw of token.split(/[-/]/)) {
      const { text, ocr } = readLookalikes(raw);
      for (const piece of text.split(/(\d+)/)) {
        if (piece === '') continue;
        if (/^\d+$/.test(piece)) {
          const last = pieces[pieces.length - 1];
          if (last && 'digits' in last) {
            last.digits.push(piece);
            last.ocr ||= ocr;
          } else pieces.push({ digits: [piece], ocr });
        } else pieces.push({ word: piece.toLowerCase() });
      }
    }
    for (const piece of pieces) {
      if ('word' in piece) {
        if (MARKERS.has(piece.word) || prefixes?.has(piece.word)) marker = true;
        else if (!(listing && LIST_WORDS.has(piece.word))) {
          marker = false;
          listing = false;
        }
        continue;
      }
      const strong: boolean = marker || listing;
      const dateLike = piece.digits.length === 3 && piece.digits.some((d) => d.length === 4) && piece.digits.filter((d) => d.length <= 2).length === 2;
      const runs = piece.digits.map(stripZeros);
      const whole = runs.join('-');
      const keys = runs.length > 1 && !isKnown(whole) ? runs : [whole];
      for (const key of keys) {
        if (!strong && (amountLike || dateLike || digitCount(key) < 3)) continue;
        out.push({ key, strong, ocr: piece.ocr });
      }
      marker = false;
      listing = strong;
    }
  }
  return out;
}

/**
 * Whether two keys are one typo apart: one digit changed, added or dropped, or two adjacent digits
 * swapped (optimal string alignment distance ≤ 1). Used to prefer, among invoices the amount fits,
 * the one whose number a mistyped reference is closest to.
 */
export function isOneTypoApart(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // one changed
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // two swapped
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return long.slice(i + 1) === short.slice(i); // one added or dropped
}

export interface InvoiceNumberMention {
  /** The known invoice number as given (e.g. "INV-001043"). */
  number: string;
  strong: boolean;
  ocr: boolean;
}

/**
 * The known invoice numbers a reference mentions, in order of first mention. A helper for the UI and
 * the database side; the engine uses the same scanner over its own index. Pure.
 */
export function extractInvoiceNumbers(reference: string | null, knownNumbers: readonly string[]): InvoiceNumberMention[] {
  const byKey = new Map<string, string[]>();
  const prefixes = new Set<string>();
  for (const n of knownNumbers) {
    const key = invoiceNumberKey(n);
    if (key === null) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), n]);
    const p = invoiceNumberPrefix(n);
    if (p) prefixes.add(p);
  }
  const out = new Map<string, InvoiceNumberMention>();
  for (const mention of scanReference(reference, (k) => byKey.has(k), prefixes)) {
    for (const number of byKey.get(mention.key) ?? []) {
      const seen = out.get(number);
      if (!seen) out.set(number, { number, strong: mention.strong, ocr: mention.ocr });
      else if (mention.strong && !seen.strong) out.set(number, { number, strong: true, ocr: mention.ocr });
    }
  }
  return [...out.values()];
}
