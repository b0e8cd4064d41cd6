// The notification emulator (Gupshup-style WhatsApp and SMS gateway).
export { startNotifyEmulator } from './server.js';
export type {
  NotifyChannel,
  NotifyEmulator,
  NotifyEmulatorOptions,
  NotifyFault,
  NotifyMessage,
  TemplateMessage,
} from './types.js';
