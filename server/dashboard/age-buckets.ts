// Receivables aging: how many days past due an unpaid invoice is, in the MSP's calendar.

export const AGE_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

/** SQL over `late` (days past due: today minus the due date) for an age bucket. Pure. */
export function ageCondition(bucket: AgeBucket): string {
  switch (bucket) {
    case 'current':
      return 'late <= 0';
    case '1-30':
      return 'late between 1 and 30';
    case '31-60':
      return 'late between 31 and 60';
    case '61-90':
      return 'late between 61 and 90';
    case '90+':
      return 'late > 90';
    default: {
      const never: never = bucket;
      throw new Error(`unknown age bucket ${String(never)}`);
    }
  }
}
