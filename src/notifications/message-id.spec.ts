import { messageIdFor, senderDomain } from './message-id';

describe('messageIdFor', () => {
  it('is the same for the same dedupe key, and differs between keys', () => {
    const first = messageIdFor('alert-1', 'billing@acme.example');
    expect(first).toMatch(/^<[0-9a-f]{32}@acme\.example>$/);
    expect(messageIdFor('alert-1', 'billing@acme.example')).toBe(first);
    expect(messageIdFor('alert-2', 'billing@acme.example')).not.toBe(first);
  });
});

describe('senderDomain', () => {
  it.each([
    ['billing@localhost', 'localhost'],
    ['Billing <billing@acme.example>', 'acme.example'],
  ])('reads the domain of %s', (from, domain) => {
    expect(senderDomain(from)).toBe(domain);
  });
});
