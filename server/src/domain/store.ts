import type { StoreSettings } from '@storepulse/protocol';

/** A store as configured by HQ (config file or API). Plain data: the domain's view of it, as the API shows it to HQ. */
export type StoreConfig = StoreSettings;
