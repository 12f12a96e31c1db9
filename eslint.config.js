// ESLint flat config for the whole monorepo (all workspaces): `npm run lint`.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Build output, dependencies, local data and generated code are never linted.
    ignores: [
      "**/node_modules/**",
      "**/build/**",
      "**/dist/**",
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
