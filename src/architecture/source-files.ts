import { readdirSync, readFileSync } from 'fs';
import { dirname, join, normalize, relative, resolve } from 'path';

/** The repository root and `src/`, so the architecture tests read the tree they run in. */
export const ROOT = resolve(__dirname, '../..');
export const SRC = join(ROOT, 'src');

export interface SourceFile {
  /** Path from the repository root, with `/` separators: `src/crm/crm.module.ts`. */
  path: string;
  text: string;
}

/** Every production `.ts` file under `dir` (tests and test fixtures left out). */
export function sourceFiles(dir = SRC): SourceFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) return [];
    return [{ path: relative(ROOT, full).split('\\').join('/'), text: readFileSync(full, 'utf8') }];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

/** The files a source file imports by relative path (type-only imports included), as repository paths. */
export function relativeImports(file: SourceFile): string[] {
  return [...file.text.matchAll(IMPORT)].map((match) =>
    normalize(join(dirname(file.path), match[1]))
      .split('\\')
      .join('/'),
  );
}

/**
 * The module a path belongs to: its folder under `src/` (`crm`, `invoicing`),
 * `app` for the files beside `main.ts`, or the top folder outside `src/`.
 */
export function moduleOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] !== 'src') return parts[0];
  return parts.length === 2 ? 'app' : parts[1];
}
