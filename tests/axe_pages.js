// Open pages in Debian's headless Chromium (puppeteer-core from .tools/, no downloaded browser), all in one browser with
// a few tabs, and report, per page and width: axe-core's WCAG 2.2 AA violations, the page's language after any redirect,
// lines that start with «·», horizontal scrolling, what Tab reaches and whether each focused element shows a ring, and
// (optionally) a screenshot. Each page is loaded once and measured at each width in turn. Input on stdin, JSON:
//   {"tools": ".tools/node_modules", "chromium": "/usr/bin/chromium", "lang": "sv-SE" | null (the browser's --lang),
//    "tabs": 2, "shots": "/abs/folder" | null,
//    "visits": [{"page": "/abs/index.html", "lang": "fa-IR" | null (this visit's Accept-Language and
//                navigator.languages, as a browser set to that language sends them), "widths": [360, 1280],
//                "axe": true, "keys": true, "script": false (JavaScript off for this visit; default on)}, ...]}
// Output on stdout, JSON: {"axe": "4.x", "results": [{page, asked, width, url, lang, dir, h1, h2, list, chooser, entries, violations: [...],
//   dotStarts, scroll, keys: {links, reached, first, unreached: [...], noRing: [...]} | null,
//   download: {entries: [...], fonts, date, meta} | null (download pages, first width)}]}, in the order of the visits.
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

// In the page, on a download page: each entry (language, direction, cover, title, links in order, printing heading,
// counts of the fold PDF), the fonts in use, the footer date, and the share-preview data; null on other pages.
function downloadFacts() {
  if (!document.querySelector("li.language")) return null;
  const text = (element) => (element ? element.textContent.replace(/\s+/g, " ").trim() : null);
  const kinds = (li, selector) => Array.from(li.querySelectorAll(selector)).map((f) => f.className.replace(/.*file-/, ""));
  return {
    entries: Array.from(document.querySelectorAll("li.language")).map((li) => {
      const img = li.querySelector("img.cover");
      return { lang: li.lang, dir: li.dir, title: text(li.querySelector(".language-title")),
               cover: img ? { alt: img.alt, src: img.getAttribute("src") } : null,
               readers: kinds(li, "ul.files:not(.files-printing) > li.file"), printing: kinds(li, "ul.files-printing > li.file"),
               heading: text(li.querySelector(".printing-title")), fold: text(li.querySelector(".file-booklet .file-meta .nowrap")) };
    }),
    fonts: [...new Set(Array.from(document.fonts).filter((f) => f.status === "loaded").map((f) => f.family.replace(/"/g, "")))],
    date: text(document.querySelector("footer time")),
    meta: Array.from(document.querySelectorAll('meta[property^="og:"], meta[name^="twitter:"]'))
      .map((m) => [m.getAttribute("property") || m.getAttribute("name"), m.content]),
  };
}

// In the page: record each element that receives focus, with whether it shows a focus ring: the browser's own ring
// (outline-style auto), or an outline at least 2 px wide whose colour has a contrast of at least 3:1 with the
// background behind the element (WCAG 2.2 1.4.11).
function watchFocus() {
  const channels = (color) => (color.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (element) => {
    for (let e = element.parentElement; e; e = e.parentElement) {
      const c = channels(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  window.__focused = [];
  document.addEventListener("focusin", (event) => {
    const element = event.target, style = getComputedStyle(element);
    const [a, b] = [luminance(channels(style.outlineColor)), luminance(background(element))];
    const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const ring = style.outlineStyle === "auto" || (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 && contrast >= 3);
    window.__focused.push({ element, ring, label: element.outerHTML.slice(0, 120) });
  });
}

// In the page: the links a keyboard user must reach (shown, with an address), and what Tab reached.
function keyReport() {
  const shown = (a) => { const s = getComputedStyle(a); return s.visibility !== "hidden" && s.display !== "none" && a.getClientRects().length; };
  const links = Array.from(document.querySelectorAll("a[href]")).filter(shown);
  const reached = new Set(window.__focused.map((f) => f.element));
  return { links: links.length, reached: links.filter((a) => reached.has(a)).length,
           first: window.__focused.length ? window.__focused[0].label : null,
           unreached: links.filter((a) => !reached.has(a)).map((a) => a.outerHTML.slice(0, 120)),
           noRing: [...new Set(window.__focused.filter((f) => !f.ring).map((f) => f.label))] };
}

async function visit(tab, job, axeSource, item) {
  const { page, session } = tab;
  const results = [];
  const asked = item.lang || (tab.overridden ? job.lang || "en-US" : null);
  if (asked) {
    await tab.session.send("Network.setUserAgentOverride", { userAgent: tab.userAgent, acceptLanguage: asked });
    tab.overridden = true;
  }
  await page.setJavaScriptEnabled(item.script !== false);
  await page.setViewport({ width: item.widths[0], height: 900 });
  await page.goto("file://" + item.page, { waitUntil: "load" });
  await page.waitForFunction(() => document.readyState === "complete" && document.fonts.status === "loaded");
  if (item.axe) await page.addScriptTag({ content: axeSource });
  for (const [index, width] of item.widths.entries()) {
    if (index) await page.setViewport({ width, height: 900 });
    await page.evaluate(() => document.fonts.ready);
    const axe = item.axe ? await page.evaluate((tags) => axe.run(document, { runOnly: { type: "tag", values: tags },
                                                                                resultTypes: ["violations"] }), TAGS) : null;
    let keys = null;
    if (item.keys && !index) {
      await page.evaluate(`(${watchFocus.toString()})()`);
      const stops = await page.evaluate(() => document.querySelectorAll("a[href], [tabindex]").length);
      const press = { key: "Tab", code: "Tab", windowsVirtualKeyCode: 9, nativeVirtualKeyCode: 9 };   // sent at once, handled in order
      await Promise.all(Array.from({ length: stops + 2 }, () => [
        session.send("Input.dispatchKeyEvent", { type: "rawKeyDown", ...press }),
        session.send("Input.dispatchKeyEvent", { type: "keyUp", ...press })]).flat());
      keys = await page.evaluate(`(${keyReport.toString()})()`);
      await page.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
    }
    const facts = await page.evaluate(`(${dotStarts.toString()})()`).then((dots) => page.evaluate((dots) => ({
      url: location.href, lang: document.documentElement.lang, dir: document.documentElement.dir,
      h1: ((document.querySelector("h1") || {}).textContent || "").trim(),
      h2: ((document.querySelector("h2") || {}).textContent || "").trim(), dotStarts: dots,
      list: document.querySelector("ol") ? getComputedStyle(document.querySelector("ol")).listStyleType : null,
      chooser: Array.from(document.querySelectorAll("nav.chooser a[hreflang]")).map((a) => a.getAttribute("href")),
      entries: document.querySelectorAll("li.language").length,
      scroll: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    }), dots));
    if (job.shots) {
      const shown = decodeURIComponent(new URL(page.url()).pathname);
      const name = path.basename(path.dirname(shown)) + "-" + path.basename(shown, ".html") + `-${width}.png`;
      await page.screenshot({ path: path.join(job.shots, name), fullPage: true });
    }
    const download = index ? null : await page.evaluate(`(${downloadFacts.toString()})()`);
    results.push({ page: item.page, asked: asked || job.lang, width, ...facts, keys, download,
                   violations: axe ? axe.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary) })) : [] });
  }
  return results;
}

async function main() {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const puppeteer = require(path.join(job.tools, "puppeteer-core"));
  const axeSource = fs.readFileSync(path.join(job.tools, "axe-core", "axe.min.js"), "utf8");
  const axeVersion = JSON.parse(fs.readFileSync(path.join(job.tools, "axe-core", "package.json"), "utf8")).version;
  const args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--hide-scrollbars", "--allow-file-access-from-files"];
  if (job.lang) args.push(`--lang=${job.lang}`, `--accept-lang=${job.lang}`);
  const browser = await puppeteer.launch({ executablePath: job.chromium, headless: true, args,
                                           env: { ...process.env, LANGUAGE: job.lang || "en" } });
  const done = new Array(job.visits.length);
  let next = 0;
  async function worker() {   // one tab: the same renderer keeps axe-core compiled from page to page
    const page = await browser.newPage();
    page.setDefaultTimeout(180000);   // a shared CI machine can be slow; a hang still ends at test_a11y's 900 s limit
    const tab = { page, session: await page.createCDPSession(), userAgent: await browser.userAgent(), overridden: false };
    while (next < job.visits.length) {
      const index = next++;
      done[index] = await visit(tab, job, axeSource, job.visits[index]);
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(job.tabs || 1, job.visits.length) }, worker));
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ axe: axeVersion, results: done.flat() }));
}

main().catch((error) => { console.error(error && error.stack || String(error)); process.exit(1); });
