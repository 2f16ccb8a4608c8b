import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { ForgotPasswordPage } from './access/forgot-password-page';
import { InvitePage } from './access/invite-page';
import { ResetPasswordPage } from './access/reset-password-page';
import { LoginPage } from './auth/login-page';
import { RequireSession, SessionProvider } from './auth/session';
import { InvoiceDetailPage } from './invoices/invoice-detail-page';
import { InvoicesPage } from './invoices/invoices-page';
import { PaymentLinkPage } from './payment-link/payment-link-page';
import { ReceiptPage } from './receipts/receipt-page';
import { AutopayPage } from './autopay/autopay-page';
import { PaymentMethodsRoutes } from './payment-methods/routes';
import { NotFoundPage } from './shell/not-found-page';
import { PortalLayout } from './shell/portal-layout';
import { UnsubscribePage } from './unsubscribe/unsubscribe-page';
import { AuthenticatePage } from './authenticate/authenticate-page';

export function App() {
  return (
    <BrowserRouter basename="/portal">
      <SessionProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          {/* Public: portal access links (invite, password reset). */}
          <Route path="/invite/:token" element={<InvitePage />} />
          <Route path="/forgot-password" element={<ForgotPasswordPage />} />
          <Route path="/reset-password/:token" element={<ResetPasswordPage />} />
          {/* Public: a payment link works without signing in. */}
          <Route path="/pay/:token" element={<PaymentLinkPage />} />
          {/* Public: "Stop these emails" links of non-essential mail. */}
          <Route path="/unsubscribe/:token" element={<UnsubscribePage />} />
          <Route
            element={
              <RequireSession>
                <PortalLayout />
              </RequireSession>
            }
          >
            <Route index element={<Navigate to="/invoices" replace />} />
            <Route path="/invoices" element={<InvoicesPage />} />
            <Route path="/invoices/:invoiceId" element={<InvoiceDetailPage />} />
            <Route path="/receipts/:paymentId" element={<ReceiptPage />} />
            <Route path="/payment-methods/*" element={<PaymentMethodsRoutes />} />
            <Route path="/autopay" element={<AutopayPage />} />
            <Route path="/authenticate/:paymentId" element={<AuthenticatePage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}
