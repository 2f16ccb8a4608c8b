// Loaded on demand (React.lazy): chart.js is most of this chunk, and only the dashboard needs it.
// Only the pieces a bar chart uses are registered, so the rest of chart.js is tree-shaken away.
import { BarController, BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { formatDate } from '../../../ui-kit/dates';
import { currencyDigits, formatMoney } from '../../../ui-kit/money';

ChartJS.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** Whole units on the axis ("$1,000"); exact amounts are in the tooltip and the table. */
function axisMoney(major: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 0 }).format(major);
  } catch {
    return String(major);
  }
}

export interface CollectedChartProps {
  currency: string;
  series: Array<{ date: string; amount: number; count: number }>;
}

/** Money collected per day; the chart itself is hidden from screen readers (a table carries the data). */
export default function CollectedChart({ currency, series }: CollectedChartProps) {
  // Minor units → major units for the axis; exact amounts are in the tooltip and the table.
  const digits = 10 ** currencyDigits(currency);
  return (
    <div className="chart" aria-hidden="true">
      <Bar
        data={{
          labels: series.map((d) => formatDate(d.date)),
          datasets: [{ label: 'Collected', data: series.map((d) => d.amount / digits), backgroundColor: '#6366f1', hoverBackgroundColor: '#4338ca', borderRadius: 3, maxBarThickness: 28 }],
        }}
        options={{
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: {
            tooltip: {
              callbacks: {
                label: (item) => {
                  const day = series[item.dataIndex];
                  return day ? `${formatMoney(day.amount, currency)} · ${day.count} ${day.count === 1 ? 'payment' : 'payments'}` : '';
                },
              },
            },
          },
          scales: {
            x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8, color: '#667085' } },
            y: {
              beginAtZero: true,
              grid: { color: '#eef0f3' },
              ticks: { color: '#667085', callback: (value) => axisMoney(Number(value), currency) },
            },
          },
        }}
      />
    </div>
  );
}
