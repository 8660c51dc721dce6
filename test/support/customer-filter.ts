/**
 * Which distributed tables a statement reads or writes without naming their
 * distribution column (src/database/distribution.ts): on Citus such a
 * statement goes to every node instead of one. Parsed by PostgreSQL's own
 * parser (libpg-query), so aliases, CTEs and subqueries are what PostgreSQL
 * sees. A table counts as filtered when some equality, `= ANY` or `IN` of the
 * statement compares its column (qualified by the table or its alias, or
 * unqualified), a join names it in USING, or an INSERT into it sets it.
 */
import { parseSync } from 'libpg-query';
import { TABLE_PLACEMENT } from '../../src/database/distribution';

type Node = Record<string, unknown>;

function walk(node: unknown, visit: (kind: string, value: Node) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Node)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      visit(key, value as Node);
    }
    walk(value, visit);
  }
}

const FILTERING_KINDS = new Set(['AEXPR_OP', 'AEXPR_OP_ANY', 'AEXPR_IN']);

function columnRefName(node: unknown): string[] | null {
  const ref = (node as Node | undefined)?.ColumnRef as Node | undefined;
  if (!ref) return null;
  return (ref.fields as Node[]).map((field) => ((field.String as Node)?.sval as string) ?? '*');
}

/** Distributed tables the statement touches without filtering by their distribution column. */
export function unfilteredTables(sql: string): string[] {
  const tables: Array<{ name: string; alias: string }> = [];
  const compared: string[][] = [];
  const named = new Set<string>();
  walk(parseSync(sql), (kind, value) => {
    if (kind === 'RangeVar') {
      const alias = ((value.alias as Node | undefined)?.aliasname as string) ?? value.relname;
      tables.push({ name: value.relname as string, alias: alias as string });
    }
    if (kind === 'A_Expr' && FILTERING_KINDS.has(value.kind as string)) {
      const operator = ((value.name as Node[])?.[0]?.String as Node)?.sval;
      if (value.kind === 'AEXPR_OP' && operator !== '=') return;
      for (const side of [value.lexpr, value.rexpr]) {
        const column = columnRefName(side);
        if (column) compared.push(column);
      }
    }
    if (kind === 'JoinExpr') {
      for (const using of (value.usingClause as Node[] | undefined) ?? []) {
        named.add((using.String as Node).sval as string);
      }
    }
    if (kind === 'UpdateStmt' || kind === 'DeleteStmt' || kind === 'InsertStmt') {
      // the target relation is a bare RangeVar, not wrapped as those of FROM are
      const relation = value.relation as Node;
      const target = relation.relname as string;
      const alias = ((relation.alias as Node | undefined)?.aliasname as string) ?? target;
      tables.push({ name: target, alias });
    }
    if (kind === 'InsertStmt') {
      const target = (value.relation as Node).relname as string;
      for (const col of (value.cols as Node[] | undefined) ?? []) {
        named.add(`${target}.${(col.ResTarget as Node).name as string}`);
      }
    }
  });
  const unfiltered = tables.filter(({ name, alias }) => {
    const placement = TABLE_PLACEMENT[name];
    if (placement?.kind !== 'distributed') return false;
    const { column } = placement;
    const filtered =
      named.has(column) ||
      named.has(`${name}.${column}`) ||
      compared.some(
        (ref) =>
          ref[ref.length - 1] === column && (ref.length === 1 || ref[ref.length - 2] === alias),
      );
    return !filtered;
  });
  return [...new Set(unfiltered.map(({ name }) => name))].sort();
}
