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
    const found: number[][] = [];
    const chosen: number[] = [];
    let exhausted = false;

    const lastMember = (start: number, sum: number) => {
      // Smallest index ≥ start whose value ≥ lo - sum.
      let a = start;
      let b = n;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (value[mid]! < lo - sum) a = mid + 1;
        else b = mid;
      }
      for (let j = a; j < n && value[j]! <= hi - sum && found.length < 2; j++) {
        if (j > a && value[j] === value[j - 1]) continue;
        found.push([...chosen, j]);
      }
    };

    const search = (start: number, left: number, sum: number): void => {
      if (found.length >= 2 || exhausted) return;
      if (--budget.left < 0) {
        exhausted = true;
        return;
      }
      if (left === 1) {
        lastMember(start, sum);
        return;
      }
      for (let j = start; j <= n - left; j++) {
        if (j > start && value[j] === value[j - 1]) continue;
        if (sum + prefix[j + left]! - prefix[j]! > hi) break;
        if (sum + value[j]! + prefix[n]! - prefix[n - left + 1]! < lo) continue;
        chosen.push(j);
        search(j + 1, left - 1, sum + value[j]!);
        chosen.pop();
        if (found.length >= 2 || exhausted) return;
      }
    };

    search(0, size, 0);
    if (exhausted) return { kind: 'limit' };
    const groups = found.map((g) => g.map((j) => order[j]!).sort((a, b) => a - b));
    if (groups.length === 1) return { kind: 'found', members: groups[0]! };
    if (groups.length > 1) return { kind: 'ambiguous', groups };
  }
  return { kind: 'none' };
}
