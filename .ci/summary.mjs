// Adds up Vitest's JSON reports (plus the check steps) into CI's one summary line.
import { existsSync, readFileSync } from "node:fs";

const [checksPassed, checksFailed, ...reports] = process.argv.slice(2);
let passed = Number(checksPassed), failed = Number(checksFailed), skipped = 0;
for (const file of reports) {
  if (!existsSync(file)) {
    console.error(`${file}: no report (the run did not finish)`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numFailedTestSuites ?? 0) - countSuiteOnlyFailures(r);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (r.numTotalTests === 0) {
    console.error(`${file}: no tests ran`);
    failed += 1;
  }
}
// A suite that failed to load counts as a failure; suites with failing tests are already counted.
function countSuiteOnlyFailures(r) {
  return (r.testResults ?? []).filter((s) => s.status === "failed" && (s.assertionResults ?? []).some((a) => a.status === "failed")).length;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
