import nx from '@nx/eslint-plugin';

// Module boundaries are the architecture: apps are leaves; features (the resource-server
// guard) sit on data-access (event publishing) which sits on utilities and contracts.
// Nothing imports an app, and no lib reaches upward.
const LAYERS = {
  'type:app': ['type:feature', 'type:data-access', 'type:util', 'type:testing'],
  // A browser app (apps/console): static files, no service of its own; it runs no server code.
  'type:web': ['type:util'],
  'type:e2e': ['type:testing', 'type:util'],
  'type:testing': ['type:util'],
  'type:feature': ['type:data-access', 'type:util'],
  'type:data-access': ['type:util'],
  'type:util': ['type:util'],
};

/** The boundary rule; `testsMayUseTestingLib` adds type:testing to every layer (specs only). */
function moduleBoundaries(testsMayUseTestingLib) {
  return [
    'error',
    {
      enforceBuildableLibDependency: true,
      banTransitiveDependencies: true,
      allow: [],
      depConstraints: Object.entries(LAYERS).map(([sourceTag, allowed]) => ({
        sourceTag,
        onlyDependOnLibsWithTags: testsMayUseTestingLib && sourceTag !== 'type:testing' ? [...new Set([...allowed, 'type:testing'])] : allowed,
      })),
    },
  ];
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/*.js', '**/*.cjs'] },
  {
    // The Node scripts (bench/, scripts/, this file): Nx's JavaScript rules with Node's globals.
    files: ['**/*.mjs'],
    languageOptions: { ecmaVersion: 'latest' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(false),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-aware rules (typescript-eslint's project service: each file is checked with the
    // types of the nearest tsconfig.json). A promise nobody awaits loses its errors; an async
    // function where a void callback is expected runs unobserved.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Tests of any layer may use the testing lib (real databases, built services); production
    // code keeps the layering above.
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/*.e2e.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': moduleBoundaries(true),
    },
  },
];
