import { z } from 'zod';
import { Decimal } from '../common/decimal';
import { EmailPayload, emailPayloadSchema } from './email-message';

const payload: EmailPayload = {
  customerId: '6f1c1d5e-3f1a-4b8e-9a43-2f6f1b0c9d11',
  template: 'bill_shock',
  critical: false,
  data: {
    meter: { name: 'GPU minutes', unit: 'min' },
    usage: new Decimal('12345678901234567890.123456789'),
    limit: new Decimal('1000'),
    currency: 'USD',
    projectedBill: new Decimal('9999.99'),
    limitReachedAt: null,
    intervalEnd: new Date('2026-04-01T00:00:00Z'),
    usualBill: new Decimal('120'),
  },
};

describe('emailPayloadSchema', () => {
  it('round-trips through JSON with every digit and instant intact', () => {
    const json = JSON.parse(JSON.stringify(z.encode(emailPayloadSchema, payload)));
    expect(json.data.usage).toBe('12345678901234567890.123456789');
    expect(json.data.intervalEnd).toBe('2026-04-01T00:00:00.000Z');
    const decoded = emailPayloadSchema.parse(json);
    expect(decoded).toEqual(payload);
    expect(decoded.data.usage).toBeInstanceOf(Decimal);
  });

  it('refuses data that does not fit the template', () => {
    const encoded = z.encode(emailPayloadSchema, payload);
    const missing = { ...encoded, data: { ...encoded.data, usualBill: undefined } };
    expect(emailPayloadSchema.safeParse(missing).success).toBe(false);
    const badCurrency = { ...encoded, data: { ...encoded.data, currency: 'euro' } };
    expect(emailPayloadSchema.safeParse(badCurrency).success).toBe(false);
    const zeroLimit = { ...encoded, data: { ...encoded.data, limit: '0' } };
    expect(emailPayloadSchema.safeParse(zeroLimit).success).toBe(false);
  });
});
