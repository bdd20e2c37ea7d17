// Opens an HTML report of piiscan in headless Chromium and checks that it renders and works:
// no request leaves the page, no console error (a CSP violation is one), the chart and the
// tables are there, and clicking a header sorts the findings table.
//
//   NODE_PATH=…/node_modules node tests/browser/check_html.cjs REPORT.html [SCREENSHOT.png]
//
// Needs playwright-core (npm) and Chromium (Debian's `chromium`, or CHROMIUM=path).
//
// CommonJS, so NODE_PATH can point at wherever playwright-core was installed.
const { chromium } = require("playwright-core");
const { pathToFileURL } = require("node:url");
const path = require("node:path");

async function main() {

const [report, shot] = process.argv.slice(2);
if (!report) {
  console.error("usage: check_html.cjs REPORT.html [SCREENSHOT.png]");
  process.exit(2);
}
const url = pathToFileURL(path.resolve(report)).href;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("request", (r) => { if (r.url() !== url) failures.push(`request to ${r.url()}`); });
  page.on("console", (m) => { if (m.type() === "error") failures.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => failures.push(`script error: ${e.message}`));
  await page.goto(url, { waitUntil: "load" });

  const facts = await page.evaluate(() => {
    const rows = (id) => document.querySelectorAll(`#${id} tbody tr`).length;
    const svg = document.querySelector("#by-type svg");
    return {
      title: document.title,
      bars: svg ? svg.querySelectorAll("rect").length : 0,
      chartHeight: svg ? svg.getBoundingClientRect().height : 0,
      types: rows("type-table"),
      files: rows("file-table"),
      findings: rows("finding-table"),
      findingsCard: Number(document.querySelectorAll("#summary .card b")[4].dataset.count),
      scripts: [...document.scripts].filter((s) => s.src).length,
    };
  });
  check(facts.title.includes("piiscan"), "title");
  check(facts.bars === facts.types && facts.bars >= 5, `chart bars ${facts.bars}`);
  check(facts.chartHeight > 100, "chart rendered");
  check(facts.scripts === 0, "external scripts");
  check(facts.findings === Math.min(facts.findingsCard, 20000), `finding rows ${facts.findings}`);

  // Sorting: the offset column, descending after two clicks; the type column, ascending.
  const column = (i) => page.$$eval(`#finding-table tbody tr`, (rs, i) =>
    rs.map((r) => r.cells[i].textContent), i);
  const headers = await page.$$("#finding-table thead th");
  const offsetIdx = 8, typeIdx = 1;
  await headers[offsetIdx].click();
  await headers[offsetIdx].click();
  const offsets = (await column(offsetIdx)).map(Number);
  check(offsets.every((v, i) => i === 0 || offsets[i - 1] >= v), "offsets sorted descending");
  check(await headers[offsetIdx].getAttribute("aria-sort") === "descending", "aria-sort");
  await headers[typeIdx].click();
  const types = await column(typeIdx);
  check(types.every((v, i) => i === 0 || types[i - 1].localeCompare(v) <= 0), "types sorted");
  if (shot) await page.screenshot({ path: shot, fullPage: false });
  console.log(JSON.stringify({ ...facts, failures }));
} finally {
  await browser.close();
}
process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
