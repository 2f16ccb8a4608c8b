// What a live update says: a payment or an invoice of this installation changed status (or money).
// No amounts or names: the page reloads what it shows through the ordinary, permission-checked API.

export interface LiveEventView {
  /** Monotonic per database (live_events.id); the SSE id, replayed from on reconnect. */
  id: string;
  kind: 'payment' | 'invoice';
  subjectId: string;
  clientId: string | null;
  status: string;
  at: string;
}

export interface LiveEventRow {
  id: string | number;
  installation_id: string;
  kind: 'payment' | 'invoice';
  subject_id: string;
  client_id: string | null;
  status: string;
  at: Date | string;
}

/** Pure: a stored row (or a NOTIFY payload with the same fields) as sent to the browser. */
export function toLiveEventView(row: LiveEventRow): LiveEventView {
  return {
    id: String(row.id),
    kind: row.kind,
    subjectId: row.subject_id,
    clientId: row.client_id,
    status: row.status,
    at: typeof row.at === 'string' ? new Date(row.at).toISOString() : row.at.toISOString(),
  };
}
