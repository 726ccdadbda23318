// The checks a client script counts, and the closing line NodeScripts reads ("<script>: N checks passed, M failed").
export function checks(script) {
  let passed = 0;
  let failed = 0;
  function check(name, actual, expected) {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a === e) {
      passed++;
    } else {
      failed++;
      console.log(`FAIL ${name}: got ${a}, want ${e}`);
    }
  }
  function ok(name, condition, detail = "") {
    check(name + (condition ? "" : ` ${detail}`), !!condition, true);
  }
  /** Prints the closing line and ends the process: status 0 when nothing failed. */
  function finish() {
    console.log(`${script}: ${passed} checks passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  }
  return { check, ok, finish };
}
