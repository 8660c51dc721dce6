import { moduleOf, sourceFiles } from './source-files';
import { TABLE_OWNERS } from './table-owners';

const TABLE_REFERENCE = new RegExp(
  String.raw`\b(?:FROM|JOIN|INTO|UPDATE|TABLE|EXISTS)\s+(?:ONLY\s+)?(${Object.keys(TABLE_OWNERS).join('|')})\b`,
  // Keywords in capitals, as this codebase writes SQL: prose ("points into customers") is not SQL.
  'g',
);

/** `path table` for every table a file's SQL names outside the module that owns it. */
function borrowed(): string[] {
  return sourceFiles().flatMap((file) => {
    const tables = new Set([...file.text.matchAll(TABLE_REFERENCE)].map((match) => match[1]));
    return [...tables]
      .filter((table) => TABLE_OWNERS[table] !== moduleOf(file.path))
      .map((table) => `${file.path} ${table}`)
      .sort();
  });
}

describe('table owners', () => {
  it('every table the migrations create has an owner', () => {
    const created = sourceFiles(`${__dirname}/../../migrations`).flatMap((file) =>
      [...file.text.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)].map((m) => m[1]),
    );
    // A partition belongs to its table's owner.
    const unowned = created.filter(
      (table) => !(table in TABLE_OWNERS) && !table.startsWith('usage_events_'),
    );
    expect(unowned).toEqual([]);
  });

  it("no module's SQL names another module's table", () => {
    expect(borrowed()).toEqual([]);
  });
});
