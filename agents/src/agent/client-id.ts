/**
 * A till agent's MQTT client id. Ids cannot hold "/", so no two tills share one: with "-" store a-b till c and store a
 * till b-c did, and the broker handed each one's session to the other in turn.
 */
export const tillClientId = (storeId: string, tillId: string): string => `${storeId}/${tillId}`;
