/**
 * Parses `application/x-www-form-urlencoded` bodies and query strings the way Stripe does:
 * `a[b][c]=1`, `a[0]=x`, `a[]=x`. Values stay strings; an object whose keys are all array
 * indices becomes an array ordered by index.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

function decode(part: string): string {
  const plus = part.includes('+') ? part.replace(/\+/g, ' ') : part;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const segments = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  re.lastIndex = open;
  let m: RegExpExecArray | null;
  while ((m = re.exec(key)) !== null) segments.push(m[1] ?? '');
  return segments;
}

type Tree = Map<string, Tree | string>;

function insert(root: Tree, segments: string[], value: string): void {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    let seg = segments[i] ?? '';
    const last = i === segments.length - 1;
    if (seg === '') seg = `\u0000${node.size}`; // `a[]=` appends
    if (last) {
      node.set(seg, value);
      return;
    }
    const existing = node.get(seg);
    if (existing instanceof Map) {
      node = existing;
    } else {
      const child: Tree = new Map();
      node.set(seg, child);
      node = child;
    }
  }
}

function toValue(node: Tree | string): FormValue {
  if (typeof node === 'string') return node;
  const keys = [...node.keys()];
  const isArray = keys.length > 0 && keys.every((k) => /^\d+$/.test(k) || k.startsWith('\u0000'));
  if (isArray) {
    const entries = keys.map((k) => [k.startsWith('\u0000') ? Number(k.slice(1)) : Number(k), node.get(k) as Tree | string] as const);
    entries.sort((a, b) => a[0] - b[0]);
    return entries.map(([, v]) => toValue(v));
  }
  const out: FormObject = {};
  for (const [k, v] of node) out[k] = toValue(v);
  return out;
}

export function parseForm(input: string, into: FormObject = {}): FormObject {
  if (!input) return into;
  const root: Tree = new Map();
  for (const pair of input.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    insert(root, splitKey(decode(rawKey)), decode(rawValue));
  }
  const parsed = toValue(root);
  if (typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(into, parsed);
  return into;
}

/** `a`, `b`, `0` → `a[b][0]` (Stripe's way of naming a nested parameter). */
export function formatParamPath(path: readonly PropertyKey[]): string {
  const [first, ...rest] = path;
  return `${String(first ?? '')}${rest.map((p) => `[${String(p)}]`).join('')}`;
}
