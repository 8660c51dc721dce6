import { chunk, soqlString, toSalesforceNumber } from './salesforce-values';

describe('Salesforce values', () => {
  it('converts decimal strings a double carries exactly', () => {
    expect(toSalesforceNumber('1234.56')).toBe(1234.56);
    expect(toSalesforceNumber('-0.01')).toBe(-0.01);
    expect(toSalesforceNumber('999999999999.99')).toBe(999999999999.99);
  });

  it('refuses an amount a double would round', () => {
    expect(() => toSalesforceNumber('12345678901234567.89')).toThrow(RangeError);
  });

  it('escapes SOQL string literals', () => {
    expect(soqlString("O'Brien \\ Co")).toBe("'O\\'Brien \\\\ Co'");
  });

  it('chunks 450 records into 200 + 200 + 50', () => {
    expect(
      chunk(
        Array.from({ length: 450 }, (_, i) => i),
        200,
      ).map((c) => c.length),
    ).toEqual([200, 200, 50]);
  });
});
