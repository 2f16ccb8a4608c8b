import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { ApiKeysPage } from './api-keys/api-keys-page';
import { LoginPage } from './auth/login-page';
import { RequireSession, SessionProvider } from './auth/session';
import { ClientPage } from './clients/client-page';
import { ClientsPage } from './clients/clients-page';
import { DashboardPage } from './dashboard/dashboard-page';
import { AuditLogPage } from './audit/audit-page';
import { InvoicePage } from './invoices/invoice-page';
import { PaymentsPage } from './payments/payments-page';
import { IntegrationsPage } from './integrations/integrations-page';
import { MailboxPage } from './mailbox/mailbox-page';
import { MappingPage } from './mapping/mapping-page';
import { SetupPage } from './setup/setup-page';
import { AdminOnly } from './shell/admin-only';
import { AppLayout } from './shell/app-layout';
import { DisputesPage } from './ledger/disputes-page';
import { ExceptionsPage } from './ledger/exceptions-page';
import { PaymentPage } from './ledger/payment-page';
import { PayoutPage, PayoutsPage } from './ledger/payouts-page';
import { NotFoundPage } from './shell/not-found-page';

export function App() {
  return (
    <BrowserRouter basename="/app">
      <SessionProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route
            element={
              <RequireSession>
                <AppLayout />
              </RequireSession>
            }
          >
            <Route index element={<DashboardPage />} />
            <Route path="/clients" element={<ClientsPage />} />
            <Route path="/clients/:clientId" element={<ClientPage />} />
            <Route path="/invoices/:invoiceId" element={<InvoicePage />} />
            <Route path="/payments" element={<PaymentsPage />} />
            <Route path="/audit" element={<AuditLogPage />} />
            <Route path="/mapping" element={<AdminOnly title="Client mapping" what="map clients to Stripe customers"><MappingPage /></AdminOnly>} />
            <Route path="/exceptions" element={<ExceptionsPage />} />
            <Route path="/disputes" element={<DisputesPage />} />
            <Route path="/payments/:paymentId" element={<PaymentPage />} />
            <Route path="/payouts" element={<PayoutsPage />} />
            <Route path="/payouts/:payoutId" element={<PayoutPage />} />
            <Route path="/mailbox" element={<MailboxPage />} />
            <Route path="/setup" element={<SetupPage />} />
            <Route path="/settings" element={<Navigate to="/settings/api-keys" replace />} />
            <Route path="/settings/api-keys" element={<AdminOnly title="API keys" what="manage API keys"><ApiKeysPage /></AdminOnly>} />
            <Route path="/settings/integrations" element={<AdminOnly title="Integrations health" what="see and retry failing webhooks and PSA deliveries"><IntegrationsPage /></AdminOnly>} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}
