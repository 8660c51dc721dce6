import { moduleOf, relativeImports, sourceFiles } from './source-files';

type Graph = Map<string, Set<string>>;

/** Strongly connected components of more than one node (Tarjan): each is a cycle. */
function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (stack.includes(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

function graphOf(nodeOf: (path: string) => string): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles()) {
    const from = nodeOf(file.path);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const target of relativeImports(file)) {
      const to = nodeOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/**
 * Dependencies point one way (CONVENTIONS.md): features depend on `common/`,
 * `database/` and `config/` and on each other without a circle; `main.ts`,
 * `app.module.ts` and `cli/` sit above every feature. Type-only imports count:
 * a loop through types is still a loop for the reader.
 */
describe('import cycles', () => {
  it('no module (folder under src/) imports, directly or not, a module that imports it', () => {
    expect(cycles(graphOf(moduleOf))).toEqual([]);
  });

  it('no file imports, directly or not, a file that imports it', () => {
    expect(cycles(graphOf((path) => path.replace(/\.ts$/, '')))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph: Graph = new Map([
      ['crm', new Set(['invoicing', 'common'])],
      ['invoicing', new Set(['crm'])],
      ['common', new Set<string>()],
    ]);
    expect(cycles(graph)).toEqual([['crm', 'invoicing']]);
  });
});
