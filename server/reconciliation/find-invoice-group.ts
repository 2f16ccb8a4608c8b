// Bounded search for the smallest group of open invoices whose amounts add up to a target range.
// PURE. Used for rule 2/3 (exact: lo = hi = amount) and rule 4 (an underpayment within tolerance:
// amount < sum ≤ amount + tolerance).
//
// Groups are enumerated as multisets of AMOUNTS, smallest size first, over the amounts sorted
// ascending (ties oldest first): invoices of the same amount are interchangeable, and picking equal
// amounts in sorted order always takes the oldest ones. Two different multisets of the smallest size
// make the answer ambiguous (a person decides), so the search stops at the second one.
//
// Pruning: with amounts sorted, the k smallest remaining amounts bound the sum from below (stop the
// loop once even they overshoot) and the k largest bound it from above (skip while even they fall
// short); the last member is found by binary search. Every visited node costs one unit of a budget
// shared by all searches for one payment; when it runs out the caller gets `limit` and sends the
// payment to a person rather than pretending nothing fits.

export type GroupResult =
  | { kind: 'none' }
  | { kind: 'found'; members: number[] }
  | { kind: 'ambiguous'; groups: number[][] }
  | { kind: 'limit' };

export interface SearchBudget {
  left: number;
}

/** Work units allowed per payment across all its group searches. */
export const GROUP_SEARCH_BUDGET = 50_000;
export const MAX_GROUP_SIZE = 5;

interface Search {
  value: number[];
  prefix: number[];
  n: number;
  lo: number;
  hi: number;
  budget: SearchBudget;
  found: number[][];
  chosen: number[];
  exhausted: boolean;
}

/** Depth-first over sorted amounts, picking `left` more from `start` on; stops at two solutions. */
function search(s: Search, start: number, left: number, sum: number): void {
  if (s.found.length >= 2 || s.exhausted) return;
  if (--s.budget.left < 0) {
    s.exhausted = true;
    return;
  }
  const { value, prefix, n } = s;
  if (left === 1) {
    // The last member: binary search for the smallest index ≥ start whose value ≥ lo - sum.
    let a = start;
    let b = n;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (value[mid]! < s.lo - sum) a = mid + 1;
      else b = mid;
    }
    for (let j = a; j < n && value[j]! <= s.hi - sum && s.found.length < 2; j++) {
      if (j > a && value[j] === value[j - 1]) continue;
      s.found.push([...s.chosen, j]);
    }
    return;
  }
  for (let j = start; j <= n - left; j++) {
    if (j > start && value[j] === value[j - 1]) continue;
    if (sum + prefix[j + left]! - prefix[j]! > s.hi) break;
    if (sum + value[j]! + prefix[n]! - prefix[n - left + 1]! < s.lo) continue;
    s.chosen.push(j);
    search(s, j + 1, left - 1, sum + value[j]!);
    s.chosen.pop();
    if (s.found.length >= 2 || s.exhausted) return;
  }
}

/**
 * `amounts` are open amounts in age order (oldest first); the returned members are indexes into it,
 * in age order. Sizes from `minSize` to `maxSize` are tried, the smallest with a solution wins.
 */
export function findInvoiceGroup(
  amounts: readonly number[],
  lo: number,
  hi: number,
  budget: SearchBudget,
  minSize = 1,
  maxSize = MAX_GROUP_SIZE,
): GroupResult {
  const order = amounts
    .map((_, i) => i)
    .filter((i) => amounts[i]! > 0 && amounts[i]! <= hi)
    .sort((a, b) => amounts[a]! - amounts[b]! || a - b);
  const n = order.length;
  const value = order.map((i) => amounts[i]!);
  const prefix = [0];
  for (const v of value) prefix.push(prefix[prefix.length - 1]! + v);

  for (let size = minSize; size <= Math.min(maxSize, n); size++) {
    if (prefix[size]! > hi) break; // even the smallest `size` amounts overshoot
    if (prefix[n]! - prefix[n - size]! < lo) continue; // even the largest fall short
    const s: Search = { value, prefix, n, lo, hi, budget, found: [], chosen: [], exhausted: false };
    search(s, 0, size, 0);
    if (s.exhausted) return { kind: 'limit' };
    const groups = s.found.map((g) => g.map((j) => order[j]!).sort((a, b) => a - b));
    if (groups.length === 1) return { kind: 'found', members: groups[0]! };
    if (groups.length > 1) return { kind: 'ambiguous', groups };
  }
  return { kind: 'none' };
}

/** Width (minor units) on each side of an exact group's amount that must hold no other group. */
export const EXACT_CONTROL_WIDTH = 25;

/**
 * Whether groups of up to `size` invoices sum into [lo, hi] — used as a control window next to a
 * match. When sums of that many invoices are this dense around the amount, hitting the amount is no
 * evidence (a client with 30 open invoices has 142,506 groups of five), so the match goes to a
 * person instead. Running out of budget counts as crowded.
 */
export function isCrowded(amounts: readonly number[], lo: number, hi: number, size: number, budget: SearchBudget): boolean {
  if (hi < lo || hi <= 0) return false;
  return findInvoiceGroup(amounts, Math.max(1, lo), hi, budget, 1, size).kind !== 'none';
}
