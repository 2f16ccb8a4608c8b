interface BrandProps {
  /** Name shown beside the mark; defaults to "Settle". */
  name?: string;
  /** Use the name's first letter as the mark (an MSP's own brand) instead of Settle's mark. */
  initialMark?: boolean;
  size?: 'md' | 'lg';
}

/** Product or MSP wordmark for the top bar and the sign-in page. */
export function Brand({ name = 'Settle', initialMark = false, size = 'md' }: BrandProps) {
  return (
    <span className={size === 'lg' ? 'brand brand--lg' : 'brand'}>
      {initialMark ? (
        <span className="brand__mark brand__mark--initial" aria-hidden="true">
          {name.trim().charAt(0).toUpperCase() || '•'}
        </span>
      ) : (
        <span className="brand__mark" aria-hidden="true">
          <svg viewBox="0 0 20 20" focusable="false">
            <path
              d="M5 10.5 8.5 14 15 6.5"
              fill="none"
              stroke="currentColor"
              strokeWidth="2.4"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
        </span>
      )}
      <span className="brand__name">{name}</span>
    </span>
  );
}
