import { Route, Routes } from 'react-router-dom';
import { NotFoundPage } from '../shell/not-found-page';
import { AddBankPage } from './add-bank-page';
import { AddCardPage } from './add-card-page';
import { PaymentMethodsPage } from './payment-methods-page';
import { SetupReturnPage } from './setup-return-page';
import { VerifyPage } from './verify-page';

/** Everything under /portal/payment-methods. */
export function PaymentMethodsRoutes() {
  return (
    <Routes>
      <Route index element={<PaymentMethodsPage />} />
      <Route path="add/card" element={<AddCardPage />} />
      <Route path="add/bank" element={<AddBankPage />} />
      <Route path=":paymentMethodId/verify" element={<VerifyPage />} />
      <Route path=":paymentMethodId/return" element={<SetupReturnPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
