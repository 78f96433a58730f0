// Open pages in Debian's headless Chromium (puppeteer-core from .tools/, no downloaded browser) and report, per page
// and width: axe-core's WCAG 2.2 AA violations, the page's language after any redirect, lines that start with «·»,
// horizontal scrolling, and (optionally) a screenshot. Input on stdin, JSON:
//   {"tools": ".tools/node_modules", "chromium": "/usr/bin/chromium", "lang": "ru" | null,
//    "widths": [360, 1280], "pages": ["/abs/index.html", ...], "shots": "/abs/folder" | null}
// Output on stdout, JSON: {"axe": "4.x", "results": [{page, width, url, lang, dir, h1, h2, violations: [...], dotStarts, scroll}]}
"use strict";
const fs = require("fs");
const path = require("path");

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

// In the page: every «·» whose line box starts with it (its previous visible character is on an earlier line).
function dotStarts() {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let previous = null;   // [node, offset] of the last visible character seen
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const style = node.parentElement && getComputedStyle(node.parentElement);
    if (!style || style.display === "none" || style.visibility === "hidden") continue;
    const text = node.data;
    for (let i = 0; i < text.length; i++) {
      if (/\s/.test(text[i])) continue;
      if (text[i] === "\u00b7" && previous) {
        const rect = (n, o) => { const r = document.createRange(); r.setStart(n, o); r.setEnd(n, o + 1); return r.getBoundingClientRect(); };
        const dot = rect(node, i), before = rect(previous[0], previous[1]);
        if (dot.height && before.height && dot.top >= before.bottom - 2) found.push(text.slice(Math.max(0, i - 20), i + 20));
      }
      previous = [node, i];
    }
  }
  return found;
}

async function main() {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const puppeteer = require(path.join(job.tools, "puppeteer-core"));
  const axeSource = fs.readFileSync(path.join(job.tools, "axe-core", "axe.min.js"), "utf8");
  const axeVersion = JSON.parse(fs.readFileSync(path.join(job.tools, "axe-core", "package.json"), "utf8")).version;
  const args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync",
                "--hide-scrollbars", "--allow-file-access-from-files"];
  if (job.lang) args.push(`--lang=${job.lang}`, `--accept-lang=${job.lang}`);
  const browser = await puppeteer.launch({ executablePath: job.chromium, headless: true, args,
                                           env: { ...process.env, LANGUAGE: job.lang || "en" } });
  const results = [];
  try {
    for (const file of job.pages) {
      for (const width of job.widths) {
        const page = await browser.newPage();
        await page.setViewport({ width, height: 900 });
        await page.goto("file://" + file, { waitUntil: "load" });
        await page.waitForNetworkIdle({ idleTime: 200 }).catch(() => {});
        await page.evaluate(() => document.fonts.ready);
        await page.addScriptTag({ content: axeSource });
        const axe = await page.evaluate((tags) => axe.run(document, { runOnly: { type: "tag", values: tags } }), TAGS);
        const facts = await page.evaluate(`(${dotStarts.toString()})()`).then((dots) => page.evaluate((dots) => ({
          url: location.href, lang: document.documentElement.lang, dir: document.documentElement.dir,
          h1: ((document.querySelector("h1") || {}).textContent || "").trim(),
          h2: ((document.querySelector("h2") || {}).textContent || "").trim(), dotStarts: dots,
          scroll: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        }), dots));
        if (job.shots) {
          const shown = decodeURIComponent(new URL(page.url()).pathname);
          const name = path.basename(path.dirname(shown)) + "-" + path.basename(shown, ".html") + `-${width}.png`;
          await page.screenshot({ path: path.join(job.shots, name), fullPage: true });
        }
        results.push({ page: file, width, ...facts, violations: axe.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary) })) });
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ axe: axeVersion, results }));
}

main().catch((error) => { console.error(error && error.stack || String(error)); process.exit(1); });
