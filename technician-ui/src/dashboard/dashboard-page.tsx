import { lazy, Suspense, useState } from 'react';
import { Link } from 'react-router-dom';
import { Badge } from '../../../ui-kit/components/badge';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { formatDate, formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { useSession } from '../auth/session';
import { SetupBanner } from '../setup/setup-banner';
import { FigureLink } from './figure-link';
import { useDashboard, type Dashboard } from './use-dashboard';
import './dashboard.css';

const CollectedChart = lazy(() => import('./collected-chart'));

const AGE_LABELS: Record<Dashboard['aging'][number]['bucket'], string> = {
  current: 'Not yet due',
  '1-30': '1–30 days',
  '31-60': '31–60 days',
  '61-90': '61–90 days',
  '90+': 'Over 90 days',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

function daysAgo(today: string, days: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

function StatusFigures({ data }: { data: Dashboard }) {
  const money = (n: number) => formatMoney(n, data.currency);
  const { open, overdue, processing } = data.invoices;
  const { failed, disputed } = data.payments;
  const failedFrom = daysAgo(data.today, data.payments.failedSinceDays);
  return (
    <section className="dash-figures" aria-label="Totals by status">
      <FigureLink label="Open" value={money(open.amount)} hint={plural(open.count, 'unpaid invoice')} to="/clients?balance=due&sort=balance" linkLabel={`Open: ${money(open.amount)} in ${plural(open.count, 'invoice')}. Show clients with a balance due`} />
      <FigureLink
        label="Overdue"
        tone={overdue.amount > 0 ? 'danger' : 'default'}
        value={money(overdue.amount)}
        hint={plural(overdue.count, 'invoice') + ' past due'}
        to="/clients?balance=overdue&sort=oldest_overdue"
        linkLabel={`Overdue: ${money(overdue.amount)} in ${plural(overdue.count, 'invoice')}. Show overdue clients`}
      />
      <FigureLink
        label="Processing"
        tone="info"
        value={money(processing.amount)}
        hint={`${plural(processing.count, 'invoice')} · bank payments clearing`}
        to="/payments?status=processing"
        linkLabel={`Processing: ${money(processing.amount)}. Show processing payments`}
      />
      <FigureLink
        label="Failed"
        tone={failed.count > 0 ? 'warning' : 'default'}
        value={plural(failed.count, 'payment')}
        hint={`${money(failed.amount)} in the last ${data.payments.failedSinceDays} days`}
        to={`/payments?status=failed&from=${failedFrom}`}
        linkLabel={`Failed: ${plural(failed.count, 'payment')} in the last ${data.payments.failedSinceDays} days. Show failed payments`}
      />
      <FigureLink
        label="Disputed"
        tone={disputed.count > 0 ? 'danger' : 'default'}
        value={plural(disputed.count, 'payment')}
        hint={disputed.count > 0 ? `${money(disputed.amount)} under dispute` : 'No open disputes'}
        to="/payments?status=disputed"
        linkLabel={`Disputed: ${plural(disputed.count, 'payment')}. Show disputed payments`}
      />
    </section>
  );
}

function Aging({ data }: { data: Dashboard }) {
  const max = Math.max(1, ...data.aging.map((b) => b.amount));
  return (
    <section className="card dash-card" aria-labelledby="aging-title">
      <div className="dash-card__header">
        <h2 className="card__title" id="aging-title">
          Receivables by age
        </h2>
        <span className="subtle">Days past due, {data.timezone}</span>
      </div>
      <ul className="aging">
        {data.aging.map((b) => (
          <li key={b.bucket}>
            <Link className="aging__row" to={`/clients?age=${encodeURIComponent(b.bucket)}&sort=oldest_overdue`}>
              <span className="aging__label">{AGE_LABELS[b.bucket]}</span>
              <span className="aging__bar" aria-hidden="true">
                <span className={`aging__fill aging__fill--${b.bucket === 'current' ? 'ok' : b.bucket === '1-30' ? 'warn' : 'bad'}`} style={{ width: `${(b.amount / max) * 100}%` }} />
              </span>
              <span className="aging__amount">{formatMoney(b.amount, data.currency)}</span>
              <span className="aging__count">{plural(b.count, 'invoice')}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Collected({ data, days, onDays }: { data: Dashboard; days: 30 | 90; onDays: (d: 30 | 90) => void }) {
  const { collected } = data;
  const best = collected.series.reduce((m, d) => (d.amount > m.amount ? d : m), collected.series[0] ?? { date: data.today, amount: 0, count: 0 });
  const paymentsLink = `/payments?status=succeeded&from=${collected.from}&to=${data.today}`;
  return (
    <section className="card dash-card dash-card--wide" aria-labelledby="collected-title">
      <div className="dash-card__header">
        <div>
          <h2 className="card__title" id="collected-title">
            Collected
          </h2>
          <p className="dash-total">
            <Link to={paymentsLink} aria-label={`${formatMoney(collected.total, data.currency)} collected in the last ${days} days. Show these payments`}>
              {formatMoney(collected.total, data.currency)}
            </Link>{' '}
            <span className="subtle">in the last {days} days</span>
          </p>
        </div>
        <div className="tabs" role="group" aria-label="Period">
          {([30, 90] as const).map((d) => (
            <button key={d} type="button" className="tabs__link tabs__button" aria-pressed={days === d} onClick={() => onDays(d)}>
              {d} days
            </button>
          ))}
        </div>
      </div>
      <Suspense fallback={<Loading label="Loading chart…" />}>
        <CollectedChart currency={data.currency} series={collected.series} />
      </Suspense>
      <p className="sr-only">
        {collected.total === 0
          ? `Nothing was collected in the last ${days} days.`
          : `Best day: ${formatDate(best.date)} with ${formatMoney(best.amount, data.currency)}.`}
      </p>
      <table className="sr-only">
        <caption>Money collected per day, last {days} days</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Collected</th>
            <th scope="col">Payments</th>
          </tr>
        </thead>
        <tbody>
          {collected.series
            .filter((d) => d.count > 0)
            .map((d) => (
              <tr key={d.date}>
                <th scope="row">{formatDate(d.date)}</th>
                <td>{formatMoney(d.amount, data.currency)}</td>
                <td>{d.count}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}

function AutopayCard({ data }: { data: Dashboard }) {
  const { autopay } = data;
  const last = autopay.lastRun;
  const runLink = (status: string) => (last ? `/payments?source=autopay&status=${status}&from=${last.date}&to=${last.date}` : '/payments?source=autopay');
  return (
    <section className="card dash-card" aria-labelledby="autopay-title">
      <h2 className="card__title" id="autopay-title">
        Autopay
      </h2>
      <dl className="dash-facts">
        <div>
          <dt>Next run</dt>
          <dd>
            {formatTimestamp(autopay.nextRunAt, undefined, data.timezone)} <span className="subtle">({data.timezone})</span>
          </dd>
        </div>
        <div>
          <dt>Clients on autopay</dt>
          <dd>
            <Link to="/clients?autopay=on">{autopay.clientsEnabled.toLocaleString()}</Link>
          </dd>
        </div>
      </dl>
      <h3 className="dash-subtitle">Last run{last ? `: ${formatDate(last.date)}` : ''}</h3>
      {last ? (
        <ul className="run-results">
          <li>
            <Link to={runLink('succeeded')}>
              <Badge tone="success">{plural(last.charged, 'charged', 'charged')}</Badge>
            </Link>
          </li>
          {last.processing > 0 && (
            <li>
              <Link to={runLink('processing')}>
                <Badge tone="info">{`${last.processing} processing`}</Badge>
              </Link>
            </li>
          )}
          <li>
            <Link to={runLink('failed')}>
              <Badge tone={last.failed > 0 ? 'danger' : 'neutral'}>{`${last.failed} failed`}</Badge>
            </Link>
          </li>
          {last.needsAction > 0 && (
            <li>
              <Link to={runLink('requires_action')}>
                <Badge tone="warning">{`${last.needsAction} need the client`}</Badge>
              </Link>
            </li>
          )}
          <li>
            <Badge tone="neutral">{`${last.skipped} skipped`}</Badge>
          </li>
        </ul>
      ) : (
        <p className="subtle">Autopay hasn’t charged anything yet.</p>
      )}
    </section>
  );
}

function AttentionCard({ data }: { data: Dashboard }) {
  const session = useSession();
  const isAdmin = session.user.role === 'admin';
  const i = data.integrations;
  const webhookProblems = i.webhookEventsFailing + i.webhookEventsDead;
  const psaProblems = i.psaDeliveriesFailing + i.psaDeliveriesDead;
  const integrationsLine = (count: number, what: string) =>
    count === 0 ? (
      <span className="subtle">No failing {what}</span>
    ) : isAdmin ? (
      <Link to="/settings/integrations">{plural(count, `failing ${what.replace(/s$/, '')}`, `failing ${what}`)}</Link>
    ) : (
      <span>
        {plural(count, `failing ${what.replace(/s$/, '')}`, `failing ${what}`)} <span className="subtle">— an admin can retry them</span>
      </span>
    );
  return (
    <section className="card dash-card" aria-labelledby="attention-title">
      <h2 className="card__title" id="attention-title">
        Needs attention
      </h2>
      <ul className="attention">
        <li>
          <span className="attention__label">Bank verifications waiting for clients</span>
          {data.verifications.methods === 0 ? (
            <span className="subtle">None</span>
          ) : (
            <Link to="/clients?verification=awaiting">
              {plural(data.verifications.methods, 'account')} · {plural(data.verifications.clients, 'client')}
            </Link>
          )}
        </li>
        <li>
          <span className="attention__label">Stripe webhooks</span>
          {integrationsLine(webhookProblems, 'events')}
        </li>
        <li>
          <span className="attention__label">PSA deliveries</span>
          {integrationsLine(psaProblems, 'deliveries')}
        </li>
      </ul>
    </section>
  );
}

/** The landing page of /app: every number is a link to the list behind it. */
export function DashboardPage() {
  const [days, setDays] = useState<30 | 90>(30);
  const { data, error, reload } = useDashboard(days);
  const session = useSession();
  return (
    <>
      <title>Dashboard · Settle</title>
      <PageHeader title="Dashboard" description={`Where ${session.installation.name}’s money stands today.`} />
      <SetupBanner />
      {error && !data ? (
        <div className="card">
          <ErrorState error={error} title="We couldn’t load the dashboard" onRetry={reload} />
        </div>
      ) : !data ? (
        <div className="card">
          <Loading label="Loading the dashboard…" />
        </div>
      ) : (
        <div className="dash">
          <StatusFigures data={data} />
          <div className="dash-grid">
            <Collected data={data} days={days} onDays={setDays} />
            <Aging data={data} />
            <AutopayCard data={data} />
            <AttentionCard data={data} />
          </div>
        </div>
      )}
    </>
  );
}
