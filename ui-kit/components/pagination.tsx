interface PaginationProps {
  page: number;
  pageSize: number;
  total: number;
  onPageChange: (page: number) => void;
  /** Plural noun for the summary line, e.g. "invoices". */
  itemLabel: string;
  /** Singular noun; defaults to `itemLabel` without its final "s". */
  itemLabelOne?: string;
}

/** Page numbers to show: first, last, and the current page's neighbours, with gaps as `null`. */
export function pageWindow(page: number, pageCount: number): (number | null)[] {
  const wanted = new Set([1, pageCount, page - 1, page, page + 1]);
  if (page <= 3) [2, 3, 4].forEach((p) => wanted.add(p));
  if (page >= pageCount - 2) [pageCount - 3, pageCount - 2, pageCount - 1].forEach((p) => wanted.add(p));
  const pages = [...wanted].filter((p) => p >= 1 && p <= pageCount).sort((a, b) => a - b);
  const result: (number | null)[] = [];
  for (const p of pages) {
    const last = result[result.length - 1];
    if (typeof last === 'number' && p - last === 2) result.push(last + 1);
    else if (typeof last === 'number' && p - last > 2) result.push(null);
    result.push(p);
  }
  return result;
}

/** "Showing 26–50 of 240 invoices" with previous/next and page numbers. Hidden when one page holds all. */
export function Pagination({ page, pageSize, total, onPageChange, itemLabel, itemLabelOne }: PaginationProps) {
  const noun = total === 1 ? (itemLabelOne ?? itemLabel.replace(/s$/, '')) : itemLabel;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const summary =
    total === 0 ? `No ${itemLabel}` : `Showing ${first}–${last} of ${total.toLocaleString()} ${noun}`;

  if (pageCount <= 1) {
    return (
      <div className="pagination">
        <p className="pagination__summary">{total === 0 ? summary : `${total.toLocaleString()} ${noun}`}</p>
      </div>
    );
  }

  return (
    <nav className="pagination" aria-label={`Pages of ${itemLabel}`}>
      <p className="pagination__summary">{summary}</p>
      <div className="pagination__controls">
        <button type="button" className="btn btn--secondary btn--sm" disabled={page <= 1} onClick={() => onPageChange(page - 1)}>
          <span aria-hidden="true">‹</span> Previous
        </button>
        <ul className="pagination__pages">
          {pageWindow(page, pageCount).map((p, index) =>
            p === null ? (
              <li key={`gap-${index}`} className="pagination__gap" aria-hidden="true">
                …
              </li>
            ) : (
              <li key={p}>
                <button
                  type="button"
                  className={p === page ? 'pagination__page is-current' : 'pagination__page'}
                  aria-current={p === page ? 'page' : undefined}
                  aria-label={`Page ${p}`}
                  onClick={() => onPageChange(p)}
                >
                  {p}
                </button>
              </li>
            ),
          )}
        </ul>
        <span className="pagination__compact" aria-hidden="true">
          {page} / {pageCount}
        </span>
        <button
          type="button"
          className="btn btn--secondary btn--sm"
          disabled={page >= pageCount}
          onClick={() => onPageChange(page + 1)}
        >
          Next <span aria-hidden="true">›</span>
        </button>
      </div>
    </nav>
  );
}
