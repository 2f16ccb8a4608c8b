import type { z } from 'zod';
import { addressParam, anyParam, arrayOf, bool, emptyable, int, metadata, obj, oneOf, str } from '../../http/params.js';

const shipping = obj({ address: addressParam, name: str, phone: str.optional() });

const invoiceSettings = obj({
  custom_fields: anyParam.optional(),
  default_payment_method: str.optional(),
  footer: str.optional(),
  rendering_options: anyParam.optional(),
});

const common = {
  address: emptyable(addressParam).optional(),
  balance: int.optional(),
  business_name: emptyable(str).optional(),
  cash_balance: anyParam.optional(),
  description: str.optional(),
  email: str.optional(),
  individual_name: emptyable(str).optional(),
  invoice_prefix: str.optional(),
  invoice_settings: invoiceSettings.optional(),
  metadata: metadata.optional(),
  name: str.optional(),
  next_invoice_sequence: int.optional(),
  phone: str.optional(),
  preferred_locales: arrayOf(str).optional(),
  shipping: emptyable(shipping).optional(),
  source: str.optional(),
  tax: anyParam.optional(),
  tax_exempt: emptyable(oneOf(['none', 'exempt', 'reverse'])).optional(),
  validate: bool.optional(),
};

export const customerCreateSchema = obj({
  ...common,
  payment_method: str.optional(),
  tax_id_data: anyParam.optional(),
  test_clock: str.optional(),
});

export const customerUpdateSchema = obj({ ...common, default_source: str.optional() });

export type CustomerCreateInput = z.output<typeof customerCreateSchema>;
export type CustomerUpdateInput = z.output<typeof customerUpdateSchema>;
