import { useId, useState } from 'react';
import type { DisputeEvidenceInput, DisputeEvidenceView } from '../../../server/ledger/dispute-evidence';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { describedBy, Field, FormDialog } from './form-dialog';
import type { DisputeView } from './types';

type Draft = DisputeEvidenceInput;
type Errors = Partial<Record<keyof Draft | 'confirm', string>>;

const FIELDS: Array<{ key: Exclude<keyof Draft, 'explanation'>; label: string; hint: string; rows?: number }> = [
  { key: 'productDescription', label: 'What the client was billed for', hint: 'Drafted from the invoices this payment paid; edit it freely.', rows: 3 },
  { key: 'customerName', label: 'Client name', hint: 'As the client knows your business relationship.' },
  { key: 'customerEmailAddress', label: 'Client email', hint: 'Where invoices and receipts were sent.' },
  { key: 'serviceDate', label: 'When the services were provided', hint: 'Invoice dates, or the service period.' },
];

/** The form, once Settle's draft has loaded (state starts from the draft). */
function EvidenceForm({ view, onCancel, onSubmitted }: { view: DisputeEvidenceView; onCancel: () => void; onSubmitted: (after: DisputeEvidenceView) => void }) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>({ explanation: '', ...view.draft });
  const [confirmed, setConfirmed] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const d = view.dispute;

  async function submit() {
    const next: Errors = {};
    if (draft.explanation.trim().length < 10) next.explanation = 'Explain in a sentence or two why the charge is valid.';
    if (!confirmed) next.confirm = 'Confirm you checked the evidence: it can be submitted only once.';
    setErrors(next);
    if (next.explanation || next.confirm) {
      document.getElementById(`${id}-${next.explanation ? 'explanation' : 'confirm'}`)?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      onSubmitted(await api.post<DisputeEvidenceView>(`/disputes/${encodeURIComponent(d.id)}/evidence`, draft));
    } catch (error) {
      if (isApiError(error)) {
        const fields: Errors = {};
        for (const key of ['explanation', ...FIELDS.map((f) => f.key)] as Array<keyof Draft>) fields[key] = error.fieldMessage(key);
        setErrors(fields);
      }
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  const set = (key: keyof Draft, value: string) => {
    setDraft({ ...draft, [key]: value });
    setErrors({ ...errors, [key]: undefined });
  };

  return (
    <FormDialog
      open
      wide
      title="Respond to the dispute"
      description={`${d.clientName ?? 'Unknown payer'} · ${formatMoney(d.amount, d.currency)} · ${d.reason?.replaceAll('_', ' ') ?? 'no reason given'}${d.evidenceDueBy ? ` · evidence due ${formatTimestamp(d.evidenceDueBy)}` : ''}`}
      submitLabel="Submit evidence"
      busyLabel="Submitting…"
      busy={busy}
      error={failure}
      onSubmit={() => void submit()}
      onCancel={onCancel}
    >
      <Field
        id={`${id}-explanation`}
        label="Why the charge is valid"
        hint="In your own words: what the client bought, that they received it, and what shows they agreed to pay (a signed agreement, emails, the invoice they opened in the portal)."
        error={errors.explanation}
      >
        <textarea
          id={`${id}-explanation`}
          className="input"
          rows={6}
          maxLength={20_000}
          value={draft.explanation}
          onChange={(e) => set('explanation', e.target.value)}
          aria-invalid={Boolean(errors.explanation)}
          aria-describedby={describedBy(`${id}-explanation`, true, errors.explanation)}
        />
      </Field>
      {FIELDS.map((f) => {
        const fieldId = `${id}-${f.key}`;
        const props = {
          id: fieldId,
          className: 'input',
          value: draft[f.key],
          onChange: (e: { target: { value: string } }) => set(f.key, e.target.value),
          'aria-invalid': Boolean(errors[f.key]),
          'aria-describedby': describedBy(fieldId, true, errors[f.key]),
        };
        return (
          <Field key={f.key} id={fieldId} label={f.label} hint={f.hint} error={errors[f.key]}>
            {f.rows ? <textarea {...props} rows={f.rows} maxLength={20_000} /> : <input {...props} maxLength={5_000} />}
          </Field>
        );
      })}
      <div className="field">
        <label className="checkbox">
          <input
            id={`${id}-confirm`}
            type="checkbox"
            checked={confirmed}
            onChange={(e) => {
              setConfirmed(e.target.checked);
              setErrors({ ...errors, confirm: undefined });
            }}
            aria-invalid={Boolean(errors.confirm)}
            aria-describedby={errors.confirm ? `${id}-confirm-error` : undefined}
          />
          <span>I checked this evidence. It goes to the cardholder’s bank through Stripe once and cannot be changed afterwards.</span>
        </label>
        {errors.confirm && (
          <p className="field__error" id={`${id}-confirm-error`}>
            {errors.confirm}
          </p>
        )}
      </div>
    </FormDialog>
  );
}

/**
 * Answering a card dispute from Settle: the facts Settle knows are drafted, the technician says why
 * the charge is valid, and the evidence is submitted to Stripe once.
 */
export function DisputeResponseDialog({ dispute, onClose, onSubmitted }: { dispute: DisputeView; onClose: () => void; onSubmitted: (after: DisputeEvidenceView) => void }) {
  const { data, error, reload } = useResource(`dispute-evidence:${dispute.id}`, (signal) => api.get<DisputeEvidenceView>(`/disputes/${encodeURIComponent(dispute.id)}/evidence`, { signal }));
  if (data && !data.notContestableReason) return <EvidenceForm view={data} onCancel={onClose} onSubmitted={onSubmitted} />;
  return (
    <FormDialog
      open
      title="Respond to the dispute"
      submitLabel={error ? 'Try again' : 'Close'}
      busyLabel="Loading…"
      busy={!data && !error}
      error={error ? describeError(error) : null}
      onSubmit={error ? reload : onClose}
      onCancel={onClose}
    >
      {data ? <p className="alert alert--info">{data.notContestableReason}</p> : !error && <Loading label="Drafting the evidence…" />}
    </FormDialog>
  );
}
