import { checkStatement } from './entitlement-usage.repository';

describe("the entitlement check's statement", () => {
  const placeholders = (text: string) =>
    [...new Set([...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])))].sort(
      (a, b) => a - b,
    );

  it('has a placeholder for each value the check sends, numbered in order', () => {
    // $1 customer and $2 instant, then 2 summed ranges and 1 hourly range of 7 values each,
    // then 2 credit pairs of 2: 2 + 21 + 4 = 27.
    expect(placeholders(checkStatement(2, 1, 2).text)).toEqual(
      Array.from({ length: 27 }, (_, n) => n + 1),
    );
    // Without rolling windows the credit pairs follow the summed ranges: 2 + 7 + 2 = 11.
    expect(placeholders(checkStatement(1, 0, 1).text)).toEqual(
      Array.from({ length: 11 }, (_, n) => n + 1),
    );
  });

  it('is one prepared statement per shape, built once', () => {
    expect(checkStatement(1, 0, 1)).toBe(checkStatement(1, 0, 1));
    expect(checkStatement(1, 0, 1).name).not.toBe(checkStatement(0, 1, 1).name);
  });
});
