import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { LoginPage } from './auth/login-page';
import { RequireSession, SessionProvider } from './auth/session';
import { InvoiceDetailPage } from './invoices/invoice-detail-page';
import { InvoicesPage } from './invoices/invoices-page';
import { NotFoundPage } from './shell/not-found-page';
import { PortalLayout } from './shell/portal-layout';

export function App() {
  return (
    <BrowserRouter basename="/portal">
      <SessionProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
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
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}
