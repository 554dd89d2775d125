/** Till components and their states: plain constants, free of TypeBox, so the web can import them. */
export const POS_STATES = ['ok', 'error', 'unknown'] as const;
export const PRINTER_STATES = ['ok', 'paper_low', 'paper_out', 'cover_open', 'offline', 'error', 'unknown'] as const;
export const PAYMENT_STATES = ['ok', 'unreachable', 'error', 'unknown'] as const;
export const NETWORK_STATES = ['ok', 'degraded', 'down', 'unknown'] as const;

export const COMPONENT_STATES = {
  pos: POS_STATES,
  printer: PRINTER_STATES,
  payment: PAYMENT_STATES,
  network: NETWORK_STATES,
} as const;

export type ComponentName = keyof typeof COMPONENT_STATES;
export const COMPONENT_NAMES = Object.keys(COMPONENT_STATES) as ComponentName[];

export type PosState = (typeof POS_STATES)[number];
export type PrinterState = (typeof PRINTER_STATES)[number];
export type PaymentState = (typeof PAYMENT_STATES)[number];
export type NetworkState = (typeof NETWORK_STATES)[number];
export type ComponentState = { [K in ComponentName]: (typeof COMPONENT_STATES)[K][number] }[ComponentName];
