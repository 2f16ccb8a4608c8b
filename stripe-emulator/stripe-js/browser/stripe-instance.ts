import { Api, intentFromSecret, type ApiError, type IntentLike, type Params } from './api.js';
import { confirmIntent, failure, handleNextAction, retrieveIntent, wrap, type IntentResult } from './confirm-intent.js';
import { BaseElement } from './element-base.js';
import { ElementsGroup, type ElementsOptions } from './elements-group.js';
import { collectBankAccount } from './modal.js';

interface ConfirmElementsParams {
  elements?: ElementsGroup;
  clientSecret?: string;
  confirmParams?: { return_url?: string; payment_method_data?: Params; mandate_data?: Params; [key: string]: unknown };
  redirect?: 'always' | 'if_required';
}

type PaymentMethodArg = string | { card?: BaseElement; us_bank_account?: Params; billing_details?: Params } | undefined;

function validationError(message: string): { error: ApiError } {
  return { error: { type: 'validation_error', message } };
}

/**
 * The `Stripe(pk)` instance: the subset of Stripe.js that Settle's pages use, talking to the
 * emulator with the publishable key and the intent's `client_secret`.
 */
export function createStripeInstance(api: Api): Record<string, unknown> {
  const fromElements = (p: ConfirmElementsParams): { clientSecret: string; data?: Params; bank: boolean } | { error: ApiError } => {
    const clientSecret = p.clientSecret ?? p.elements?.options.clientSecret;
    if (!clientSecret) return validationError('IntegrationError: pass clientSecret (to confirm) or create Elements with one.');
    const element = p.elements?.paymentElement();
    if (!element) return { clientSecret, bank: false, ...(p.confirmParams?.payment_method_data ? { data: p.confirmParams.payment_method_data } : {}) };
    const collected = element.collect(true);
    if (!collected.ok) return validationError(collected.message ?? 'Your payment details are incomplete.');
    const extraBilling = (p.confirmParams?.payment_method_data?.billing_details ?? {}) as Params;
    const data = { ...collected.data, billing_details: { ...((collected.data.billing_details as Params | undefined) ?? {}), ...extraBilling } };
    return { clientSecret, data, bank: collected.type === 'us_bank_account' };
  };

  const confirmWithElements = async (p: ConfirmElementsParams): Promise<IntentResult> => {
    const prepared = fromElements(p);
    if ('error' in prepared) return prepared;
    const { return_url: returnUrl, payment_method_data: _pmd, ...rest } = p.confirmParams ?? {};
    return confirmIntent(api, { clientSecret: prepared.clientSecret, paymentMethodData: prepared.data, returnUrl, redirect: p.redirect ?? 'always', bank: prepared.bank, extra: rest as Params });
  };

  const methodFrom = (pm: PaymentMethodArg): { paymentMethod?: string; data?: Params; error?: ApiError } => {
    if (typeof pm === 'string') return { paymentMethod: pm };
    if (!pm) return {};
    if (pm.card instanceof BaseElement) {
      const collected = pm.card.collect(true);
      if (!collected.ok) return validationError(collected.message ?? 'Your card details are incomplete.');
      return { data: { ...collected.data, ...(pm.billing_details ? { billing_details: pm.billing_details } : {}) } };
    }
    if (pm.us_bank_account) return { data: { type: 'us_bank_account', us_bank_account: pm.us_bank_account, billing_details: pm.billing_details ?? {} } };
    return {};
  };

  const confirmWithMethod = async (clientSecret: string, data: { payment_method?: PaymentMethodArg; return_url?: string } | undefined, bank: boolean): Promise<IntentResult> => {
    const method = methodFrom(data?.payment_method);
    if (method.error) return failure(method.error);
    return confirmIntent(api, { clientSecret, paymentMethod: method.paymentMethod, paymentMethodData: method.data, returnUrl: data?.return_url, redirect: 'if_required', bank });
  };

  const collectBank = async (p: { clientSecret: string; params?: { payment_method_data?: { billing_details?: Params } } }): Promise<IntentResult> => {
    const { path } = intentFromSecret(p.clientSecret);
    const data = await collectBankAccount(p.params?.payment_method_data?.billing_details ?? {});
    if (!data) return retrieveIntent(api, p.clientSecret);
    const pm = await api.request<{ id: string }>('POST', '/v1/payment_methods', data);
    if (!pm.ok) return failure(pm.error);
    const updated = await api.request<IntentLike>('POST', path, { client_secret: p.clientSecret, payment_method: pm.body.id });
    return updated.ok ? wrap(updated.body) : failure(updated.error);
  };

  const verify = async (clientSecret: string, data: { amounts?: number[]; descriptor_code?: string }): Promise<IntentResult> => {
    const { path } = intentFromSecret(clientSecret);
    const result = await api.request<IntentLike>('POST', `${path}/verify_microdeposits`, { client_secret: clientSecret, ...data });
    return result.ok ? wrap(result.body) : failure(result.error);
  };

  const next = async (p: { clientSecret: string } | string): Promise<IntentResult> => {
    const clientSecret = typeof p === 'string' ? p : p.clientSecret;
    const current = await retrieveIntent(api, clientSecret);
    const intent = current.setupIntent ?? current.paymentIntent;
    return intent ? handleNextAction(api, intent, clientSecret) : current;
  };

  const createPaymentMethod = async (p: { elements?: ElementsGroup; type?: string; card?: BaseElement; billing_details?: Params; params?: { billing_details?: Params } }): Promise<{ paymentMethod?: unknown; error?: ApiError }> => {
    let data: Params | undefined;
    const element = p.elements?.paymentElement() ?? (p.card instanceof BaseElement ? p.card : null);
    if (element) {
      const collected = element.collect(true);
      if (!collected.ok) return validationError(collected.message ?? 'Your payment details are incomplete.');
      data = { ...collected.data, billing_details: { ...((collected.data.billing_details as Params | undefined) ?? {}), ...(p.billing_details ?? p.params?.billing_details ?? {}) } };
    }
    if (!data) return validationError('IntegrationError: pass elements or a card Element.');
    const result = await api.request<unknown>('POST', '/v1/payment_methods', data);
    return result.ok ? { paymentMethod: result.body } : { error: result.error };
  };

  return {
    elements: (options: ElementsOptions = {}) => new ElementsGroup(api, options),
    confirmSetup: confirmWithElements,
    confirmPayment: confirmWithElements,
    confirmCardSetup: (clientSecret: string, data?: { payment_method?: PaymentMethodArg; return_url?: string }) => confirmWithMethod(clientSecret, data, false),
    confirmCardPayment: (clientSecret: string, data?: { payment_method?: PaymentMethodArg; return_url?: string }) => confirmWithMethod(clientSecret, data, false),
    confirmUsBankAccountSetup: (clientSecret: string, data?: { payment_method?: PaymentMethodArg }) => confirmWithMethod(clientSecret, data, true),
    confirmUsBankAccountPayment: (clientSecret: string, data?: { payment_method?: PaymentMethodArg }) => confirmWithMethod(clientSecret, data, true),
    collectBankAccountForSetup: collectBank,
    collectBankAccountForPayment: collectBank,
    verifyMicrodepositsForSetup: verify,
    verifyMicrodepositsForPayment: verify,
    retrieveSetupIntent: (clientSecret: string) => retrieveIntent(api, clientSecret),
    retrievePaymentIntent: (clientSecret: string) => retrieveIntent(api, clientSecret),
    handleNextAction: next,
    handleCardAction: next,
    handleCardSetup: next,
    createPaymentMethod,
    createToken: async () => validationError('createToken is not supported by the Stripe emulator; use PaymentMethods.'),
    registerAppInfo: () => undefined,
    _registerWrapper: () => undefined,
  };
}

/** `Stripe(publishableKey, {stripeAccount})`, with the API base taken from where this script was loaded. */
export function createStripe(base: string) {
  return (key: string, options: { stripeAccount?: string } = {}): Record<string, unknown> => {
    if (typeof key !== 'string' || !key.startsWith('pk_')) throw new Error('IntegrationError: Stripe() needs a publishable key (pk_test_…).');
    return createStripeInstance(new Api(base, key, options.stripeAccount));
  };
}
