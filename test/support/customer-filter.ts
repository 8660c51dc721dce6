/**
 * Which distributed tables a statement reads or writes without naming their
 * distribution column (src/database/distribution.ts): on Citus such a
 * statement goes to every node instead of one. Parsed by PostgreSQL's own
 * parser (libpg-query), so aliases, CTEs and subqueries are what PostgreSQL
 * sees. A table counts as filtered when an INSERT into it sets the column, an
 * equality, `= ANY` or `IN` compares the column (qualified by the table or its
 * alias, or unqualified) to parameters or constants, or equates it (also by a
 * join's USING) to the distribution column of a table that is itself filtered,
 * found as a fixpoint. Equated to anything else (a column of a table found by
 * another key, of a CTE or of an `unnest` of parameters), it is not: Citus
 * prunes shards by values it knows, and `s.customer_id = c.id` routes `s` only
 * when `c` is routed.
 */
import { parseSync } from 'libpg-query';
import { TABLE_PLACEMENT } from '../../src/database/distribution';

type Node = Record<string, unknown>;
type ColumnName = string[];

interface TableUse {
  name: string;
  alias: string;
  /** Its distribution column; null for a table that is not distributed. */
  column: string | null;
}

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

function columnRefName(node: unknown): ColumnName | null {
  const ref = (node as Node | undefined)?.ColumnRef as Node | undefined;
  if (!ref) return null;
  return (ref.fields as Node[]).map((field) => ((field.String as Node)?.sval as string) ?? '*');
}

/** A parameter, a constant, or a cast, array or list of them: values the planner knows. */
function isValue(node: unknown): boolean {
  const value = node as Node | undefined;
  if (!value) return false;
  if ('ParamRef' in value || 'A_Const' in value) return true;
  if ('TypeCast' in value) return isValue((value.TypeCast as Node).arg);
  if ('A_ArrayExpr' in value) {
    return (((value.A_ArrayExpr as Node).elements as unknown[]) ?? []).every(isValue);
  }
  if ('List' in value) return (((value.List as Node).items as unknown[]) ?? []).every(isValue);
  return false;
}

function useOf(relation: Node): TableUse {
  const name = relation.relname as string;
  const alias = ((relation.alias as Node | undefined)?.aliasname as string) ?? name;
  const placement = TABLE_PLACEMENT[name];
  return { name, alias, column: placement?.kind === 'distributed' ? placement.column : null };
}

/** The aliases of the tables a join's side names, through nested joins. */
function aliasesOf(side: unknown): string[] {
  const node = side as Node;
  if ('RangeVar' in node) return [useOf(node.RangeVar as Node).alias];
  if ('JoinExpr' in node) {
    const join = node.JoinExpr as Node;
    return [...aliasesOf(join.larg), ...aliasesOf(join.rarg)];
  }
  return [];
}

/** Does the column reference name the table's distribution column? */
const names = (ref: ColumnName, table: TableUse) =>
  table.column !== null &&
  ref[ref.length - 1] === table.column &&
  (ref.length === 1 || ref[ref.length - 2] === table.alias);

/** Distributed tables the statement touches without filtering by their distribution column. */
export function unfilteredTables(sql: string): string[] {
  const tables: TableUse[] = [];
  const toValues: ColumnName[] = [];
  const equated: Array<[ColumnName, ColumnName]> = [];
  // Targets of an INSERT that sets their distribution column: each row goes to its node.
  const setting = new Set<TableUse>();
  walk(parseSync(sql), (kind, value) => {
    if (kind === 'RangeVar') tables.push(useOf(value));
    if (kind === 'A_Expr' && FILTERING_KINDS.has(value.kind as string)) {
      // `=`, `= ANY` and `IN`; not `<>`, `<> ANY` or `NOT IN`
      if (((value.name as Node[])?.[0]?.String as Node)?.sval !== '=') return;
      const [left, right] = [columnRefName(value.lexpr), columnRefName(value.rexpr)];
      if (left && right) equated.push([left, right]);
      if (left && isValue(value.rexpr)) toValues.push(left);
      if (right && isValue(value.lexpr)) toValues.push(right);
    }
    if (kind === 'JoinExpr') {
      for (const using of (value.usingClause as Node[] | undefined) ?? []) {
        const column = (using.String as Node).sval as string;
        for (const left of aliasesOf(value.larg)) {
          for (const right of aliasesOf(value.rarg))
            equated.push([
              [left, column],
              [right, column],
            ]);
        }
      }
    }
    if (kind === 'UpdateStmt' || kind === 'DeleteStmt' || kind === 'InsertStmt') {
      // the target relation is a bare RangeVar, not wrapped as those of FROM are
      const target = useOf(value.relation as Node);
      tables.push(target);
      const columns = ((value.cols as Node[] | undefined) ?? []).map(
        (col) => (col.ResTarget as Node).name as string,
      );
      if (target.column !== null && columns.includes(target.column)) setting.add(target);
    }
  });
  const filtered = new Set(
    tables.filter((table) => setting.has(table) || toValues.some((ref) => names(ref, table))),
  );
  // A table joined on its distribution column to a filtered table's is filtered too.
  const routedBy = (ref: ColumnName, table: TableUse) =>
    [...filtered].some((other) => other !== table && names(ref, other));
  for (let grown = true; grown;) {
    grown = false;
    for (const table of tables) {
      if (filtered.has(table)) continue;
      const joined = equated.some(
        ([a, b]) =>
          (names(a, table) && routedBy(b, table)) || (names(b, table) && routedBy(a, table)),
      );
      if (joined) {
        filtered.add(table);
        grown = true;
      }
    }
  }
  const unfiltered = tables.filter((table) => table.column !== null && !filtered.has(table));
  return [...new Set(unfiltered.map(({ name }) => name))].sort();
}
