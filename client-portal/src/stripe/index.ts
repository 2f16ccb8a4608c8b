export { useStripeConfig, loadStripeConfig } from './use-stripe-config';
export type { StripeConfig, StripeConfigState } from './use-stripe-config';
export { ElementsProvider, portalAppearance } from './elements-provider';
export { getStripe } from '../../../ui-kit/stripe';
