/** Two projects: pure unit tests beside the code, and e2e tests against a real PostgreSQL. */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
/**
 * Unit tests build services by hand, never through Nest's injector, so they
 * need no constructor type metadata; without it, a service's imports used only
 * as parameter types (typeorm's DataSource) are not loaded in every test file.
 * SWC strips the types without loading TypeScript (tsconfig already asks for
 * isolatedModules, so no file needs type information to be compiled): a cold
 * unit run spends ~5 s of CPU less than with ts-jest. `npm run lint` type-checks.
 */
const unitTransform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      swcrc: false,
      sourceMaps: 'inline',
      module: { type: 'commonjs' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        // As tsc compiles them (experimentalDecorators, target ES2022), without the metadata.
        transform: {
          legacyDecorator: true,
          decoratorMetadata: false,
          useDefineForClassFields: true,
        },
      },
    },
  ],
};

module.exports = {
  // A global option in Jest 29 (ignored inside a project): e2e tests start apps and databases.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.spec.ts'],
      transform: unitTransform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform,
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
};
