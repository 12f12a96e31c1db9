// ESLint flat config for the whole monorepo (all workspaces): `npm run lint`.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Relative imports that leave their workspace, and package imports past an exports map. */
const DEEP_IMPORTS = [
  {
    regex: "^(\\.\\./)+(core|sandbox|shopify-app|storefront|server|bench|extensions)/",
    message: "Import another workspace by its package name (e.g. @giftloop/core/platform/money), as its exports map lists it.",
  },
  { regex: "^@giftloop/[^/]+/src/", message: "Import what the package's exports map lists, not its src folder." },
];

export default tseslint.config(
  {
    // Build output, dependencies, local data and generated code are never linted.
    ignores: [
      "**/node_modules/**",
      "**/build/**",
      "**/dist/**",
      "**/dist-finance/**",
      "**/coverage/**",
      "**/.data/**",
      "**/.cache/**",
      "**/public/build/**",
      "test-results/**",
      "bench/results/**",
      // Prisma client output, wherever a generator puts it.
      "**/generated/**",
      "**/.prisma/**",
      // Type declarations are generated (vite-env, remix, shopify CLI); hand-written ones
      // may opt back in below.
      "**/*.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{js,mjs,cjs,ts,mts,cts,tsx}"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node },
    },
    rules: {
      // `_`-prefixed names are deliberately unused (callbacks, destructuring, catch).
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Type-aware rules, with each file's own TypeScript project (the project service finds it
    // through the root tsconfig.json's references).
    files: ["**/*.{ts,mts,tsx}"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its error: await it, or mark it `void` with the reason.
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
  {
    // Tool configuration and scripts that no TypeScript project includes.
    files: ["*.config.ts", "storefront/scripts/**"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Module boundaries: a workspace reaches another only through its package name and exports
    // map (`@giftloop/core/...`), never by a relative path into it or into its `src`.
    files: ["**/*.{js,mjs,ts,mts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: DEEP_IMPORTS }] },
  },
  {
    // core is the base: its modules import no other workspace (the process entry, server/main.ts,
    // mounts the Shopify app); only its tests and test helpers start the sandbox's stand-ins.
    files: ["core/**/*.ts"],
    ignores: ["core/**/*.test.ts", "core/**/testing.ts", "core/**/testing/**", "core/src/e2e/**", "core/**/*-child.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [...DEEP_IMPORTS, { group: ["@giftloop/*", "!@giftloop/core"], message: "core imports no other workspace." }] }],
    },
  },
  {
    // The apps use core's modules, not its test helpers nor the stand-ins.
    files: ["storefront/src/**/*.{ts,tsx}", "shopify-app/app/**/*.{ts,tsx}", "extensions/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [...DEEP_IMPORTS, { group: ["@giftloop/core/testing/*", "@giftloop/sandbox", "@giftloop/sandbox/*", "@giftloop/server/*"], message: "app code uses core's modules only." }] },
      ],
    },
  },
  {
    // Browser code: the storefront, the Remix app's client side, admin extensions.
    files: ["storefront/**/*.{ts,tsx}", "shopify-app/app/**/*.{ts,tsx}", "extensions/**/*.{ts,tsx}"],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
  },
  {
    // Plain browser scripts served by the sandbox admin frame (its App Bridge stand-in).
    files: ["sandbox/src/admin-frame/client/**/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser } },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
  },
);
