import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { UPSELL_SIGNAL_ALERTS } from '../../src/alerts/upsell-signal-alerts-sql';
import { ROOT, SourceFile, sourceFiles } from '../../src/architecture/source-files';
import { checkStatement } from '../../src/entitlements/entitlement-usage.repository';
import { REVENUE_LEDGER_LINES } from '../../src/invoicing/revenue-ledger-lines-sql';

/**
 * Every SQL statement the service sends through `.query(...)`, read from the
 * source with the TypeScript parser and composed as the code composes it:
 * string constants (also imported ones) are inlined, a `? :` yields both
 * statements, and a call or property with constant arguments (a shared
 * fragment such as `oldestFirst('timestamp', 'event_id')`) is evaluated by
 * loading its module. What depends on a method's arguments has a stand-in in
 * STAND_INS; a fragment that is neither is reported, never skipped.
 */
export interface SqlStatement {
  /** `src/invoicing/crm-invoice-reads.repository.ts:12` */
  where: string;
  sql: string;
}

/**
 * Fragments built from a method's arguments, by file: the file's statements
 * are composed once with each set of stand-ins, written as its methods compose
 * them (every optional part, every table or column a method may pick).
 */
const STAND_INS: Record<string, Array<Record<string, string>>> = {
  'src/customers/customer.repository.ts': [
    {
      "assignments.join(', ')":
        'name = $2, email = $3, locale = $4, tax_rate = $5, crm = jsonb_strip_nulls(crm || $6::jsonb)',
    },
  ],
  // A month's partition, created, filled, attached, read, detached and dropped in turn.
  'src/metering/event-partitions.repository.ts': [
    {
      name: 'usage_events_2000_01',
      'partitionName(month)': 'usage_events_2000_01',
      from: '2000-01-01T00:00:00.000Z',
      to: '2000-02-01T00:00:00.000Z',
    },
  ],
  'src/entitlements/quotas.repository.ts': [
    {
      table: 'entitlement_plan_quotas',
      owner: 'plan_version_id',
      'customer.column': '',
      'customer.value': '',
    },
    {
      table: 'entitlement_subscription_quotas',
      owner: 'subscription_id',
      'customer.column': ', customer_id',
      'customer.value': ', $9::uuid',
    },
  ],
  // The entitlement check's statement is built per shape: this one has every part.
  'src/entitlements/entitlement-usage.repository.ts': [
    { 'statement.text': checkStatement(2, 1, 2).text },
  ],
  'src/customers/email-preferences.repository.ts': [
    { column: 'id' },
    { column: 'external_id' },
    { column: 'unsubscribe_token' },
  ],
  // The lines invoicing binds to the ledger's REVENUE_LINE_SOURCES port.
  'src/analytics/ledger/revenue-ledger.repository.ts': [
    {
      "this.lines.finalizedInvoiceLines('$1::uuid[]', '$4::uuid[]')":
        REVENUE_LEDGER_LINES.finalizedInvoiceLines('$1::uuid[]', '$4::uuid[]'),
      "this.lines.creditNoteLines('$1::uuid')": REVENUE_LEDGER_LINES.creditNoteLines('$1::uuid'),
    },
  ],
  // The relation the alerts bind to analytics' UPGRADE_ALERT_SOURCES port.
  'src/analytics/metrics/upsell-signals.repository.ts': [
    {
      "this.alerts.upgradeSignalledCustomerMonths('$1', '$2')":
        UPSELL_SIGNAL_ALERTS.upgradeSignalledCustomerMonths('$1', '$2'),
    },
  ],
  // src/database/data-source.ts names TypeORM's migrations table.
  'src/database/migrate.ts': [{ table: 'schema_migrations' }],
  // Runs its callers' statements, which are checked where they call preparedQuery.
  'src/database/prepared-query.ts': [{ text: 'SELECT 1', statement: 'SELECT 1' }],
};

/** SOQL, not SQL: the Salesforce adapter's `connection.query` calls. */
const NOT_SQL = /^src\/crm\/salesforce\//;

/** A conditional doubles the statements; past this many a fragment is too dynamic to check this way. */
const MAX_VARIANTS = 16;

class Unresolved extends Error {}

export function sqlStatements(): { statements: SqlStatement[]; unresolved: string[] } {
  const statements: SqlStatement[] = [];
  const unresolved: string[] = [];
  for (const file of sourceFiles().filter((f) => !NOT_SQL.test(f.path))) {
    const source = parse(file);
    const visit = (node: ts.Node): void => {
      if (isQueryCall(node)) {
        const where = `${file.path}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        try {
          for (const standIns of STAND_INS[file.path] ?? [{}])
            for (const sql of new Composer(file.path, source, standIns).compose(
              node.arguments[sqlArgument(node)],
            ))
              statements.push({ where, sql });
        } catch (error) {
          if (!(error instanceof Unresolved)) throw error;
          unresolved.push(`${where}: ${error.message}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { statements, unresolved };
}

function parse(file: SourceFile): ts.SourceFile {
  return ts.createSourceFile(file.path, file.text, ts.ScriptTarget.ES2022, true);
}

/** `x.query(sql, …)`, or `preparedQuery(db, name, sql, …)` (src/database/prepared-query.ts). */
function isQueryCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  if (ts.isIdentifier(node.expression) && node.expression.text === 'preparedQuery')
    return node.arguments.length > 2;
  return (
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === 'query' &&
    node.arguments.length > 0
  );
}

function sqlArgument(call: ts.CallExpression): number {
  return ts.isIdentifier(call.expression) ? 2 : 0;
}

const parsed = new Map<string, ts.SourceFile>();

class Composer {
  constructor(
    private readonly path: string,
    private readonly source: ts.SourceFile,
    /** Stand-ins of the file, or the parameters of a fragment-building function being composed. */
    private readonly bound: Record<string, string> = {},
  ) {}

  /** The statements an expression can be, each as one string. */
  compose(expression: ts.Expression): string[] {
    const standIn = this.bound[expression.getText()];
    if (standIn !== undefined) return [standIn];
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression))
      return [expression.text];
    if (ts.isParenthesizedExpression(expression)) return this.compose(expression.expression);
    if (ts.isConditionalExpression(expression))
      return [...this.compose(expression.whenTrue), ...this.compose(expression.whenFalse)];
    if (ts.isTemplateExpression(expression)) {
      let variants = [expression.head.text];
      for (const span of expression.templateSpans) {
        const parts = this.compose(span.expression);
        variants = variants.flatMap((v) => parts.map((part) => v + part + span.literal.text));
        if (variants.length > MAX_VARIANTS)
          throw new Unresolved(`more than ${MAX_VARIANTS} variants`);
      }
      return variants;
    }
    if (
      ts.isBinaryExpression(expression) &&
      expression.operatorToken.kind === ts.SyntaxKind.PlusToken
    ) {
      const right = this.compose(expression.right);
      return this.compose(expression.left).flatMap((l) => right.map((r) => l + r));
    }
    if (ts.isIdentifier(expression)) {
      const constant = this.constant(expression.text);
      if (constant) return constant.composer.compose(constant.initializer);
    }
    if (ts.isCallExpression(expression) && ts.isIdentifier(expression.expression)) {
      const fragment = this.constant(expression.expression.text);
      if (fragment && ts.isArrowFunction(fragment.initializer)) {
        return fragment.composer.apply(fragment.initializer, expression.arguments, this);
      }
    }
    const value = this.evaluate(expression);
    if (typeof value !== 'string')
      throw new Unresolved(`${expression.getText()} is not a string (add a stand-in)`);
    return [value];
  }

  /** A fragment-building arrow function of this file called with constant arguments. */
  private apply(
    fragment: ts.ArrowFunction,
    args: readonly ts.Expression[],
    caller: Composer,
  ): string[] {
    if (!ts.isExpression(fragment.body))
      throw new Unresolved(`${fragment.getText()} has a block body`);
    const bound: Record<string, string> = { ...this.bound };
    fragment.parameters.forEach((parameter, index) => {
      const values = args[index] ? caller.compose(args[index]) : [];
      if (!ts.isIdentifier(parameter.name) || values.length !== 1)
        throw new Unresolved(`${fragment.getText()}: one constant string per parameter`);
      bound[parameter.name.text] = values[0];
    });
    return new Composer(this.path, this.source, bound).compose(fragment.body);
  }

  /** A `const` of this file, or the one an import of it names. */
  private constant(name: string): { composer: Composer; initializer: ts.Expression } | null {
    for (const statement of this.source.statements) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (
            ts.isIdentifier(declaration.name) &&
            declaration.name.text === name &&
            declaration.initializer &&
            statement.declarationList.flags & ts.NodeFlags.Const
          )
            return { composer: this, initializer: declaration.initializer };
        }
      }
    }
    const imported = this.importOf(name);
    return imported ? Composer.of(imported.path).constant(imported.name) : null;
  }

  /** Where an imported name comes from: the file (relative imports only) and its exported name. */
  private importOf(name: string): { path: string; name: string } | null {
    for (const statement of this.source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier))
        continue;
      const bindings = statement.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) continue;
      const specifier = statement.moduleSpecifier.text;
      if (!specifier.startsWith('.')) continue;
      for (const element of bindings.elements) {
        if (element.name.text !== name) continue;
        const path = join(dirname(this.path), `${specifier}.ts`).split('\\').join('/');
        if (!existsSync(join(ROOT, path))) throw new Unresolved(`cannot find ${path}`);
        return { path, name: (element.propertyName ?? element.name).text };
      }
    }
    return null;
  }

  /** The value of a fragment built from constants, computed by the code that builds it. */
  private evaluate(expression: ts.Expression): unknown {
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression))
      return expression.text;
    if (ts.isNumericLiteral(expression)) return Number(expression.text);
    if (ts.isArrayLiteralExpression(expression))
      return expression.elements.map((element) => this.evaluate(element));
    if (ts.isObjectLiteralExpression(expression))
      return Object.fromEntries(
        expression.properties.map((property) => {
          if (!ts.isPropertyAssignment(property) || ts.isComputedPropertyName(property.name))
            throw new Unresolved(`${property.getText()} (only plain properties)`);
          return [property.name.text, this.evaluate(property.initializer)];
        }),
      );
    if (ts.isPropertyAccessExpression(expression)) {
      const owner = this.evaluate(expression.expression) as Record<string, unknown>;
      return owner[expression.name.text];
    }
    if (ts.isCallExpression(expression)) {
      const callee = this.evaluate(expression.expression);
      if (typeof callee !== 'function')
        throw new Unresolved(`${expression.getText()} (not a function)`);
      return callee(...expression.arguments.map((argument) => this.evaluate(argument)));
    }
    if (ts.isIdentifier(expression)) {
      const imported = this.importOf(expression.text);
      const { path, name } = imported ?? { path: this.path, name: expression.text };
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exports = require(join(ROOT, path)) as Record<string, unknown>;
      if (name in exports) return exports[name];
      const constant = this.constant(expression.text);
      if (constant) return constant.composer.evaluate(constant.initializer);
    }
    throw new Unresolved(`${expression.getText()} depends on the arguments (add a stand-in)`);
  }

  static of(path: string): Composer {
    let source = parsed.get(path);
    if (!source) {
      source = parse({ path, text: readFileSync(join(ROOT, path), 'utf8') });
      parsed.set(path, source);
    }
    return new Composer(path, source);
  }
}
