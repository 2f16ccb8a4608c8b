// How payers write references and how banks show payers: the text side of the synthetic payments.
import { chance, FREE_MAIL, int, pick, type Rng, type WorldClient } from './reconcile-world';

const digitsOf = (number: string) => number.replace(/\D/g, '').replace(/^0+/, '') || '0';

/** A reference a careful payer writes for one invoice. */
export function cleanReference(rng: Rng, number: string): string {
  const d = digitsOf(number);
  return pick(rng, [number, number, `INV ${d}`, `inv-${d}`, `#${d}`, `INV${d}`, `Invoice ${number}`, `Invoice #${d}`, `Inv. No. ${number.slice(4)}`]);
}

export type GarbleKind = 'missing_prefix' | 'extra_words' | 'ocr' | 'case_spacing' | 'digit_typo' | 'truncated';

/** A reference as it often arrives: typos, missing prefix, extra words, OCR-like swaps. */
export function garbledReference(rng: Rng, number: string): { text: string; kind: GarbleKind } {
  const d = digitsOf(number);
  const kind = pick<GarbleKind>(rng, ['missing_prefix', 'missing_prefix', 'extra_words', 'extra_words', 'ocr', 'case_spacing', 'digit_typo', 'truncated']);
  switch (kind) {
    case 'missing_prefix':
      return { kind, text: pick(rng, [d, number.slice(4), `Payment ${d}`, `ACH PMT ${d}`, `${d} thank you`]) };
    case 'extra_words':
      return { kind, text: pick(rng, [`Pymt for inv#${d} ${pick(rng, ['march', 'Q2', 'monthly', 'IT'])} services thx`, `REF:INV${d}/${pick(rng, ['ACME', 'AP', 'BATCH 7'])}`, `Payment of invoice ${number} - please confirm receipt`, `WIRE TRANSFER ORIG REF ${number} BNF MSP`]) };
    case 'ocr': {
      const swaps: Array<[RegExp, string]> = [[/0/, 'O'], [/1/, 'l'], [/0/, 'o'], [/5/, 'S'], [/8/, 'B']];
      const usable = swaps.filter(([re]) => re.test(d.slice(1, -1)));
      if (usable.length === 0) return { kind: 'case_spacing', text: `inv # ${d}` };
      const [re, ch] = pick(rng, usable);
      const inner = d.slice(1, -1).replace(re, ch);
      return { kind, text: `${pick(rng, ['INV-', 'INV ', 'lNV-', ''])}${d[0]}${inner}${d[d.length - 1]}` };
    }
    case 'case_spacing':
      return { kind, text: pick(rng, [`inv # ${d}`, `I N V ${d}`, `Inv.${d}`, `invoice:${number.toLowerCase()}`]) };
    case 'digit_typo': {
      const chars = [...d];
      const at = int(rng, 0, Math.max(0, chars.length - 2));
      const op = rng();
      if (op < 0.5 && chars.length > 1) [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!];
      else if (op < 0.75) chars.splice(at, 0, chars[at]!);
      else chars.splice(at, 1, String((Number(chars[at]) + 1) % 10));
      return { kind, text: `INV-${chars.join('')}` };
    }
    case 'truncated':
      return { kind, text: `${number.slice(0, number.length - 1)}` };
  }
}

/** A reference for several invoices; sometimes it names only some of them. */
export function multiReference(rng: Rng, numbers: string[]): { text: string | null; complete: boolean } {
  const d = numbers.map(digitsOf);
  const roll = rng();
  if (roll < 0.2) return { text: null, complete: false };
  if (roll < 0.35) return { text: `${numbers[0]} and others`, complete: false };
  return {
    complete: true,
    text: pick(rng, [numbers.join(', '), `Invoices ${d.join(', ')}`, `INV ${d.join(' ')}`, d.join('/'), `Inv ${d.slice(0, -1).join(', ')} & ${d[d.length - 1]}`]),
  };
}

const PEOPLE = ['Jane Doe', 'John Smith', 'Maria Garcia', 'Wei Chen', 'Priya Patel', 'Tom Baker', 'Ana Silva', 'Sam Lee', 'Olga Ivanova', 'Ahmed Khan'];

export type PayerKind = 'email' | 'colleague' | 'name_variant' | 'truncated_name' | 'person_free_mail';

/** How a bank feed shows a client paying (name and email variants). */
export function payerFor(rng: Rng, client: WorldClient): { name: string | null; email: string | null; kind: PayerKind } {
  const kind = pick<PayerKind>(rng, ['email', 'email', 'email', 'email', 'email', 'colleague', 'colleague', 'colleague', 'name_variant', 'name_variant', 'name_variant', 'name_variant', 'name_variant', 'name_variant', 'truncated_name', 'truncated_name', 'truncated_name', 'person_free_mail', 'person_free_mail', 'person_free_mail']);
  const person = pick(rng, PEOPLE);
  switch (kind) {
    case 'email':
      return { kind, name: chance(rng, 0.5) ? person : null, email: chance(rng, 0.5) ? client.email.toUpperCase() : client.email };
    case 'colleague':
      return { kind, name: person, email: `${person.split(' ')[0]!.toLowerCase()}@${client.domain ?? pick(rng, FREE_MAIL)}` };
    case 'name_variant': {
      const suffix = pick(rng, ['', ' LLC', ', Inc.', ' Ltd', ' L.L.C.', ' Corporation', ' Co.']);
      const base = pick(rng, [client.baseName.toUpperCase(), client.baseName, client.baseName.toLowerCase(), client.baseName.replace(/ /g, '-')]);
      return { kind, name: `${base}${suffix}`, email: null };
    }
    case 'truncated_name':
      return { kind, name: client.name.toUpperCase().slice(0, int(rng, 16, 22)).trim(), email: null };
    case 'person_free_mail':
      return { kind, name: person, email: `${person.replace(' ', '.').toLowerCase()}${int(rng, 1, 99)}@${pick(rng, FREE_MAIL)}` };
  }
}
