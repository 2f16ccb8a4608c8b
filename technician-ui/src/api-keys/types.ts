import type { ApiKeyView as ApiKey } from '../../../server/auth/api-keys';

export type { ApiKey };

export interface ApiKeyListResponse {
  apiKeys: ApiKey[];
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The full key. The server returns it once and never again. */
  secret: string;
}
