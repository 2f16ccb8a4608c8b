// Outbound webhooks go to an address an MSP admin typed in, from inside our network: without a guard
// that is a server-side request forgery (SSRF) hole (cloud metadata at 169.254.169.254, the database,
// internal admin pages). The guard allows only public unicast addresses, checks every address a
// name resolves to, and hands back the vetted address so the caller connects to exactly that one
// (a second DNS lookup at connect time could answer differently: DNS rebinding). It runs when the
// URL is saved and again before every delivery. Demo mode (a laptop, a local PSA mock) allows http
// and private addresses.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError } from '../http/app-error';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses. Injected in tests; DNS in production. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const dnsResolver: HostResolver = async (hostname) => {
  const all = await lookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export interface VettedUrl {
  url: URL;
  /** The address to connect to (never look the name up again). */
  address: ResolvedAddress;
}

export interface CheckWebhookUrlOptions {
  demoMode: boolean;
  resolve?: HostResolver;
}

/** Parses and checks a webhook URL's shape; no DNS. Throws PSA_WEBHOOK_URL_FORBIDDEN with a reason. */
export function parseWebhookUrl(raw: string, options: { demoMode: boolean }): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw forbidden('This is not a valid URL.');
  }
  if (url.protocol !== 'https:' && !(options.demoMode && url.protocol === 'http:')) {
    throw forbidden(options.demoMode ? 'Use an http or https URL.' : 'Use an https URL.');
  }
  if (url.username || url.password) throw forbidden('Put credentials in the signing secret, not in the URL.');
  return url;
}

/**
 * Checks a webhook URL and resolves it to one vetted address. Idempotent, read-only; never connects.
 * Refuses (PSA_WEBHOOK_URL_FORBIDDEN) non-https outside demo mode, and any host that is or resolves
 * to a loopback, private, link-local, CGNAT, multicast, reserved or unspecified address (IPv4, IPv6
 * and IPv4 embedded in IPv6), unless in demo mode.
 */
export async function vetWebhookUrl(raw: string, options: CheckWebhookUrlOptions): Promise<VettedUrl> {
  const url = parseWebhookUrl(raw, options);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const lowered = host.toLowerCase().replace(/\.$/, '');
  if (!options.demoMode && (lowered === 'localhost' || lowered.endsWith('.localhost'))) throw forbidden('Loopback addresses are not allowed.');
  let addresses: ResolvedAddress[];
  const literal = isIP(host);
  if (literal) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.resolve ?? dnsResolver)(lowered);
    } catch {
      throw forbidden(`The host ${lowered} could not be resolved.`);
    }
    if (addresses.length === 0) throw forbidden(`The host ${lowered} could not be resolved.`);
  }
  if (!options.demoMode) {
    for (const a of addresses) {
      const reason = blockedReason(a.address);
      if (reason) throw forbidden(literal ? `${reason} addresses are not allowed.` : `${lowered} resolves to a ${reason.toLowerCase()} address, which is not allowed.`);
    }
  }
  return { url, address: addresses[0]! };
}

function forbidden(reason: string): AppError {
  return new AppError('PSA_WEBHOOK_URL_FORBIDDEN', { message: `Settle only delivers to public https addresses. ${reason}`, fields: [{ path: 'url', message: reason }] });
}

type Range = readonly [prefix: number[], bits: number, reason: string];

// IPv4 ranges that are not public unicast (RFC 6890 special-purpose registry, plus multicast).
const V4_BLOCKED: Range[] = [
  [[0, 0, 0, 0], 8, 'Unspecified'],
  [[10, 0, 0, 0], 8, 'Private'],
  [[100, 64, 0, 0], 10, 'Shared (CGNAT)'],
  [[127, 0, 0, 0], 8, 'Loopback'],
  [[169, 254, 0, 0], 16, 'Link-local'],
  [[172, 16, 0, 0], 12, 'Private'],
  [[192, 0, 0, 0], 24, 'Reserved'],
  [[192, 0, 2, 0], 24, 'Documentation'],
  [[192, 88, 99, 0], 24, 'Reserved'],
  [[192, 168, 0, 0], 16, 'Private'],
  [[198, 18, 0, 0], 15, 'Reserved'],
  [[198, 51, 100, 0], 24, 'Documentation'],
  [[203, 0, 113, 0], 24, 'Documentation'],
  [[224, 0, 0, 0], 4, 'Multicast'],
  [[240, 0, 0, 0], 4, 'Reserved'],
];

const V6_BLOCKED: Range[] = [
  [[0x64, 0xff, 0x9b, 0, 0, 1], 48, 'Reserved'],
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'Reserved'],
  [[0x20, 0x01, 0x00, 0x00], 23, 'Reserved'], // IETF protocol assignments, incl. Teredo
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'Documentation'],
  [[0xfc, 0x00], 7, 'Private'],
  [[0xfe, 0x80], 10, 'Link-local'],
  [[0xfe, 0xc0], 10, 'Private'], // deprecated site-local
  [[0xff, 0x00], 8, 'Multicast'],
];

function inRange(bytes: number[], [prefix, bits]: Range): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if (((bytes[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

function v4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** 16 bytes of an IPv6 address. The URL parser canonicalises it first (hex groups, no dotted tail). */
export function v6Bytes(address: string): number[] {
  const canonical = new URL(`http://[${address.split('%')[0]}]/`).hostname.slice(1, -1);
  const [head = '', rest] = canonical.split('::');
  const h = head ? head.split(':') : [];
  const r = rest ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...new Array<string>(8 - h.length - r.length).fill('0'), ...r];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [(n >> 8) & 0xff, n & 0xff];
  });
}

/** Why an address may not be a webhook target, or null when it is public unicast. */
export function blockedReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4) {
    const bytes = v4Bytes(address);
    if (bytes.every((b) => b === 255)) return 'Broadcast';
    return V4_BLOCKED.find((r) => inRange(bytes, r))?.[2] ?? null;
  }
  if (family !== 6) return 'Invalid';
  const b = v6Bytes(address);
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 16)) return 'Unspecified';
  if (zeros(0, 15) && b[15] === 1) return 'Loopback';
  const embedded = (offset: number) => blockedReason(b.slice(offset, offset + 4).join('.'));
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated), NAT64 (64:ff9b::/96):
  // judged by the IPv4 address inside.
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return embedded(12);
  if (zeros(0, 12)) return embedded(12) ?? 'Reserved';
  if (inRange(b, [[0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96, ''])) return embedded(12);
  if (b[0] === 0x20 && b[1] === 0x02) return embedded(2); // 6to4 carries an IPv4 address
  return V6_BLOCKED.find((r) => inRange(b, r))?.[2] ?? null;
}
