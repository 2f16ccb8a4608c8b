export interface ApiKey {
  id: string;
  name: string;
  /** First characters of the key, safe to show, e.g. `stk_live_4f2a`. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Name of the staff user who created it. */
  createdBy: string | null;
}

export interface ApiKeyListResponse {
  apiKeys: ApiKey[];
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The full key. The server returns it once and never again. */
  secret: string;
}
