import { intentFromSecret, type Api, type IntentLike } from './api.js';
import { CardElement } from './card-element.js';
import type { BaseElement } from './element-base.js';
import { PaymentElement } from './payment-element.js';
import type { Appearance } from './styles.js';

export interface ElementsOptions {
  clientSecret?: string;
  mode?: 'payment' | 'setup' | 'subscription';
  currency?: string;
  amount?: number;
  appearance?: Appearance;
  allowedPaymentMethodTypes?: string[];
  paymentMethodTypes?: unknown;
  [key: string]: unknown;
}

const SUPPORTED = ['card', 'us_bank_account'];

/**
 * `stripe.elements(options)`: creates and tracks Elements. With `clientSecret` the allowed types
 * come from the intent (fetched with the publishable key); in deferred mode (`mode`) from
 * `allowedPaymentMethodTypes` (Stripe.js 10), defaulting to card + US bank account for USD.
 */
export class ElementsGroup {
  private created = new Map<string, BaseElement>();
  private types: string[] | null = null;
  intent: IntentLike | null = null;

  constructor(
    private readonly api: Api,
    public options: ElementsOptions,
  ) {
    this.check(options);
    void this.load();
  }

  private check(options: ElementsOptions): void {
    if (options.paymentMethodTypes !== undefined) {
      throw new Error('IntegrationError: paymentMethodTypes is no longer supported by Stripe.js; use allowedPaymentMethodTypes.');
    }
  }

  private async load(): Promise<void> {
    const secret = this.options.clientSecret;
    if (secret) {
      const { path } = intentFromSecret(secret);
      const result = await this.api.request<IntentLike>('GET', path, { client_secret: secret });
      if (!result.ok) {
        for (const el of this.created.values()) (el as unknown as { emit(e: string, p: unknown): void }).emit('loaderror', { elementType: el.elementType, error: result.error });
        return;
      }
      this.intent = result.body;
      this.types = result.body.payment_method_types.filter((t) => SUPPORTED.includes(t));
    } else {
      const usd = (this.options.currency ?? 'usd').toLowerCase() === 'usd';
      const allowed = this.options.allowedPaymentMethodTypes ?? (usd ? SUPPORTED : ['card']);
      this.types = allowed.filter((t) => SUPPORTED.includes(t) && (t !== 'us_bank_account' || usd));
    }
    for (const el of this.created.values()) if (el instanceof PaymentElement) el.refresh();
  }

  create(type: string, options: Record<string, unknown> = {}): BaseElement {
    if (this.created.has(type)) throw new Error(`IntegrationError: Can only create one Element of type ${type}.`);
    const appearance = () => this.options.appearance;
    let element: BaseElement;
    if (type === 'payment') element = new PaymentElement(options, appearance, () => this.types);
    else if (type === 'card') element = new CardElement(options, appearance);
    else throw new Error(`IntegrationError: the Stripe emulator's Stripe.js supports the 'payment' and 'card' Elements, not '${type}'.`);
    this.created.set(type, element);
    const destroy = element.destroy.bind(element);
    element.destroy = () => {
      destroy();
      this.created.delete(type);
    };
    return element;
  }

  getElement(type: string): BaseElement | null {
    return this.created.get(type) ?? null;
  }

  update(options: ElementsOptions): void {
    this.check(options);
    const reload = options.clientSecret !== undefined || options.allowedPaymentMethodTypes !== undefined || options.currency !== undefined || options.mode !== undefined;
    this.options = { ...this.options, ...options };
    for (const el of this.created.values()) el.update({});
    if (reload) void this.load();
  }

  async fetchUpdates(): Promise<Record<string, never>> {
    await this.load();
    return {};
  }

  /** Validates the Payment Element before a deferred-intent confirmation. */
  async submit(): Promise<{ error?: { type: string; code?: string; message: string } }> {
    const el = this.created.get('payment') ?? this.created.get('card');
    if (!el) return { error: { type: 'validation_error', message: 'No Element to submit.' } };
    const collected = el.collect(true);
    if (!collected.ok) return { error: { type: 'validation_error', code: 'incomplete', message: collected.message ?? 'Your payment details are incomplete.' } };
    return {};
  }

  /** The active Payment (or card) Element's data, for confirmSetup/confirmPayment. */
  paymentElement(): BaseElement | null {
    return this.created.get('payment') ?? this.created.get('card') ?? null;
  }
}
