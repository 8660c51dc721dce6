/**
 * The service compiled for the process tests: every file of src/ and
 * migrations/ transpiled on its own (no type check: `npm run typecheck` does
 * that), once per test file, so each process starts in seconds rather than
 * compiling itself. Written under node_modules/.cache so the compiled files
 * resolve the project's packages.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const SOURCES = ['src', 'migrations'];

let built: string | null = null;

/** The folder holding `src/main.js`, built on first use. */
export function serviceBuild(): string {
  if (built) return built;
  const outDir = join(
    ROOT,
    'node_modules',
    '.cache',
    `service-build-${randomBytes(4).toString('hex')}`,
  );
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config;
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  for (const folder of SOURCES) {
    for (const file of filesUnder(join(ROOT, folder))) {
      const target = join(outDir, relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      if (!file.endsWith('.ts')) {
        cpSync(file, target);
        continue;
      }
      if (file.endsWith('.spec.ts')) continue;
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { ...options, sourceMap: false },
        fileName: file,
      });
      writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
    }
  }
  built = outDir;
  return outDir;
}

/** Removes the build; for the test file's afterAll. */
export function removeServiceBuild(): void {
  if (built) rmSync(built, { recursive: true, force: true });
  built = null;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}
