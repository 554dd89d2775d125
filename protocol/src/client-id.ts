import { ID_PATTERN } from './ids.js';

/**
 * A till agent's MQTT client id, `{storeId}/{tillId}`, and the `check` tool's beside it. Ids cannot hold "/", so no
 * two tills share one: with "-" store a-b till c and store a till b-c did, and the broker handed each one's session
 * to the other in turn.
 */
export const tillClientId = (storeId: string, tillId: string, purpose?: 'check'): string =>
  purpose ? `${storeId}/${tillId}/${purpose}` : `${storeId}/${tillId}`;

const ID = ID_PATTERN.slice(1, -1);
const CLIENT_ID = new RegExp(`^(${ID})/${ID}(?:/check)?$`);

/** The store a well-formed till client id belongs to, or null. */
export function clientIdStore(clientId: string): string | null {
  return CLIENT_ID.exec(clientId)?.[1] ?? null;
}
