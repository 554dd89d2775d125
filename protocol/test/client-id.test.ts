import { describe, expect, it } from 'vitest';
import { clientIdStore, tillClientId } from '../src/client-id.js';

describe('till client ids', () => {
  it('names the store of a till\'s id and of its check tool\'s, which no two tills share', () => {
    expect(tillClientId('a-b', 'c')).toBe('a-b/c');
    expect(tillClientId('a', 'b-c')).toBe('a/b-c');
    expect(tillClientId('S001', 'T1', 'check')).toBe('S001/T1/check');
    expect(clientIdStore('a-b/c')).toBe('a-b');
    expect(clientIdStore('S001/T1/check')).toBe('S001');
  });

  it.each(['S001-T1', 'S001/', '/T1', 'S001/T1/other', 'S 1/T1', 'S1/T1/check/x', `${'x'.repeat(65)}/T1`, 'mqttjs_1a2b'])(
    'takes %s for no till\'s id',
    (id) => expect(clientIdStore(id)).toBeNull(),
  );
});
