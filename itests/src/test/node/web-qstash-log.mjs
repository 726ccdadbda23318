// The web console's QStash page in a real browser (Debian's Chromium driven by playwright-core): the events a
// database's deliveries left, filtered by state through the page's own form; a screenshot kept as an artifact.
// Usage: node web-qstash-log.mjs '{"url":"http://127.0.0.1:PORT","user":"...","password":"...","db":"...","chromium":"/usr/bin/chromium","screenshot":"..."}'
import { chromium } from "playwright-core";
import { checks } from "./checks.mjs";

const config = JSON.parse(process.argv[2]);
const { check, ok, finish } = checks("web-qstash-log");

const browser = await chromium.launch({
  executablePath: config.chromium,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
try {
  const context = await browser.newContext({ httpCredentials: { username: config.user, password: config.password }, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  // the client test's last 2,000 events (its deep queue and key alone make several hundred): every state is among them
  const answer = await page.goto(`${config.url}/system/console/qstash?db=${encodeURIComponent(config.db)}&count=2000`);
  check("the page answers", answer.status(), 200);
  ok("it is the web console's QStash page", (await page.title()).includes("QStash"), await page.title());
  const states = await page.$$eval("#qstash-events tbody tr td:nth-child(2)", (cells) => cells.map((cell) => cell.textContent));
  ok("it lists the database's events", states.length > 20, `${states.length} rows`);
  for (const state of ["CREATED", "ACTIVE", "DELIVERED", "RETRY", "FAILED", "CANCELLED"]) {
    ok(`a ${state} event is shown`, states.includes(state), JSON.stringify([...new Set(states)]));
  }
  const summary = await page.textContent("#qstash-summary");
  ok("the summary counts the events by state", /DELIVERED \d+/.test(summary) && summary.includes(`database ${config.db}`), summary);
  const urls = await page.$$eval("#qstash-events tbody tr td:nth-child(4)", (cells) => cells.map((cell) => cell.textContent));
  ok("events show where the message went", urls.some((url) => url.endsWith("/non-retryable")), JSON.stringify(urls.slice(0, 3)));
  await Promise.all([page.waitForNavigation(), page.selectOption("select[name=state]", "FAILED")]);
  const failedOnly = await page.$$eval("#qstash-events tbody tr td:nth-child(2)", (cells) => cells.map((cell) => cell.textContent));
  ok("filtered by the form to FAILED", failedOnly.length > 0 && failedOnly.every((state) => state === "FAILED"), JSON.stringify(failedOnly));
  const statuses = await page.$$eval("#qstash-events tbody tr td:nth-child(5)", (cells) => cells.map((cell) => cell.textContent));
  ok("a failure shows the destination's status", statuses.includes("489") || statuses.includes("500"), JSON.stringify(statuses));
  await Promise.all([page.waitForNavigation(), page.selectOption("select[name=state]", "")]);
  check("back to all states by the form", await page.$eval("select[name=state]", (select) => select.value), "");
  await page.screenshot({ path: config.screenshot, fullPage: false });
  const unknown = await page.goto(`${config.url}/system/console/qstash?db=${encodeURIComponent(config.db)}&state=<script>`);
  check("an unknown state shows all, echoing nothing", [unknown.status(), await page.$eval("select[name=state]", (select) => select.value)], [200, ""]);
} finally {
  await browser.close();
}
finish();
