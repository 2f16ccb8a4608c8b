import { invalidRequest } from '../core/stripe-error.js';

export interface SearchResultOf<T> {
  object: 'search_result';
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url: string;
}

/** Page-token pagination of search results (`page` is an opaque offset token). */
export function searchPage<T>(items: T[], limit: number | undefined, page: string | undefined, url: string): SearchResultOf<T> {
  const size = limit ?? 10;
  if (size < 1 || size > 100) throw invalidRequest('Invalid limit: must be between 1 and 100', { param: 'limit' });
  let offset = 0;
  if (page !== undefined) {
    const decoded = Number(Buffer.from(page, 'base64url').toString('utf8').replace(/^off:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0) throw invalidRequest('Invalid page token.', { param: 'page' });
    offset = decoded;
  }
  const data = items.slice(offset, offset + size);
  const more = offset + size < items.length;
  return {
    object: 'search_result',
    data,
    has_more: more,
    next_page: more ? Buffer.from(`off:${offset + size}`).toString('base64url') : null,
    url,
  };
}
