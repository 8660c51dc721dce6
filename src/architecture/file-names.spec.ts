import { sourceFiles } from './source-files';

/**
 * An injectable lives in a file named for its role, so a reader tells a
 * provider from a pure function by its path (CONVENTIONS.md, "Roles visible
 * in names"); pure modules keep plain names.
 */
const ROLE_SUFFIXES: Record<string, readonly string[]> = {
  '@Injectable(': ['.service.ts', '.repository.ts', '.provider.ts', '.job.ts', '.guard.ts'],
  '@Controller(': ['.controller.ts'],
  '@Module(': ['.module.ts'],
  '@Catch(': ['.filter.ts'],
};

describe('file names', () => {
  it.each(Object.entries(ROLE_SUFFIXES))(
    'a class decorated %s lives in a file with its role suffix',
    (decorator, suffixes) => {
      const misnamed = sourceFiles()
        .filter((file) => file.text.includes(decorator))
        .filter((file) => !suffixes.some((suffix) => file.path.endsWith(suffix)))
        .map((file) => file.path);
      expect(misnamed).toEqual([]);
    },
  );
});
