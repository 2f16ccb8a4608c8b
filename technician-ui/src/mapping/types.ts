import type { Page } from '../../../ui-kit/types';
import type { AcceptSuggestionsResult } from '../../../server/mapping/accept-suggestions';
import type { ClientMappingView } from '../../../server/mapping/apply-mapping-change';
import type { MappingClientView, MappingFilter } from '../../../server/mapping/list-mapping-clients';
import type { MappingRunView } from '../../../server/mapping/mapping-run-view';
import type { CustomerSearchHit } from '../../../server/mapping/search-stripe-customers';

export type { AcceptSuggestionsResult, ClientMappingView, CustomerSearchHit, MappingClientView, MappingFilter, MappingRunView };

export interface MappingClientsResponse extends Page {
  clients: MappingClientView[];
  counts: Record<'unmapped' | 'mapped' | 'ignored', number>;
  livemode: boolean;
}

export interface ImportProgressResponse {
  run: MappingRunView | null;
}

export interface CustomerSearchResponse {
  customers: CustomerSearchHit[];
  stripeSearched: boolean;
}
