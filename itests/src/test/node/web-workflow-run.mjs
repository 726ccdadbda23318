// The web console's Workflow page in a real browser (Debian's Chromium driven by playwright-core): a database's
// runs and one failed run's steps as a timeline, with the message that failed and its error, and a sleeping
// run cancelled by the page's button; a screenshot kept as an artifact.
// Usage: node web-workflow-run.mjs '{"url":"http://127.0.0.1:PORT","user":"...","password":"...","db":"...","run":"wfr_...","sleeping":"wfr_...","chromium":"/usr/bin/chromium","screenshot":"..."}'
import { chromium } from "playwright-core";
import { checks } from "./checks.mjs";

const config = JSON.parse(process.argv[2]);
const { check, ok, finish } = checks("web-workflow-run");

const browser = await chromium.launch({
  executablePath: config.chromium,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
try {
  const context = await browser.newContext({ httpCredentials: { username: config.user, password: config.password }, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const list = await page.goto(`${config.url}/system/console/workflows?db=${encodeURIComponent(config.db)}`);
  check("the page answers", list.status(), 200);
  ok("it is the web console's Workflow page", (await page.title()).includes("Workflow"), await page.title());
  const states = await page.$$eval("#workflow-runs tbody tr td:nth-child(2)", (cells) => cells.map((cell) => cell.textContent));
  ok("it lists the runs", states.length >= 11 && states.includes("RUN_SUCCESS") && states.includes("RUN_FAILED"), JSON.stringify(states));

  await Promise.all([page.waitForNavigation(), page.click(`#workflow-runs a:text("${config.run}")`)]);
  const summary = await page.textContent("#workflow-run-summary");
  ok("the run's summary", summary.includes("RUN_FAILED") && summary.includes("failure function CALLBACK_SUCCESS"), summary);
  const rows = await page.$$eval("#workflow-timeline tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  check("the timeline's steps", rows.filter((row) => row.length === 8).map((row) => `${row[1]}:${row[2]}:${row[3]}`),
    ["Initial:init:STEP_SUCCESS", "Run:ok step:STEP_SUCCESS"]);
  const failing = rows.find((row) => row[0].startsWith("next:"));
  ok("the failed step's message, with its error", failing && failing[1] === "STEP_FAILED" && failing[5].includes("489"), JSON.stringify(failing));
  const bars = await page.$$eval("#workflow-timeline .wf-bar", (divs) => divs.map((div) => div.getBoundingClientRect().width));
  ok("a bar a step, drawn", bars.length === 3 && bars.every((width) => width >= 2), JSON.stringify(bars));
  await page.screenshot({ path: config.screenshot, fullPage: true });

  // the run left sleeping: cancelled by the page's button
  await page.goto(`${config.url}/system/console/workflows?db=${encodeURIComponent(config.db)}&run=${encodeURIComponent(config.sleeping)}`);
  ok("a sleeping run is active", (await page.textContent("#workflow-run-summary")).includes("RUN_STARTED"));
  await Promise.all([page.waitForNavigation(), page.click("#workflow-cancel")]);
  ok("cancelled by the button", (await page.textContent("#workflow-run-summary")).includes("RUN_CANCELED"),
    await page.textContent("#workflow-run-summary"));
  check("an ended run has no cancel button", await page.$("#workflow-cancel"), null);

  const unknown = await page.goto(`${config.url}/system/console/workflows?db=${encodeURIComponent(config.db)}&run=<script>`);
  check("an unknown run is said so, escaped", [unknown.status(), (await page.content()).includes("No workflow run &lt;script&gt;")], [200, true]);
} finally {
  await browser.close();
}
finish();
