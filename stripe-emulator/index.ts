export { createStripeEmulator, type StripeEmulator } from './create-stripe-emulator.js';
export type { StripeEmulatorOptions } from './options.js';
export type { EmulatorControl } from './control/control-api.js';
export type { FaultConfig } from './faults/fault-config.js';
export type { WebhookDeliveryConfig } from './webhooks/webhook-config.js';
export { signPayload } from './webhooks/sign-payload.js';
