// Lighthouse scores for the shop's main pages (issue #8): `make lighthouse`, or `node lighthouse/run.mjs`.
//
// Seeds the demo catalogue into a scratch SQLite database, starts the shop as in production (gunicorn
// with gunicorn.conf.py, 2 workers, no STOREFRONT_DEV) behind a small front server that plays nginx's
// part (deploy/nginx/storefront.conf): it serves /static/ from the checkout, gzipped and cached, and
// proxies everything else, pages uncompressed (nginx keeps gzip off for pages because of BREACH, so
// Lighthouse's "enable text compression" hint on the HTML document is expected and costs no score).
// Then it runs the pinned Lighthouse (package.json) on Debian's Chromium, mobile, for home, a category,
// a product and the cart in both languages, prints one table, and exits 1 if a target is missed.
//
// Settings: CHROME_PATH (default /usr/bin/chromium), PYTHON (default .venv/bin/python, else python3),
// LIGHTHOUSE_WORKDIR (scratch folder kept for the JSON reports; default a new temporary folder),
// LIGHTHOUSE_RUNS (runs per page, default 3: the median one is reported).

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STATIC_DIR = path.join(ROOT, "storefront", "static");
const LIGHTHOUSE = path.join(ROOT, "node_modules", ".bin", "lighthouse");
const CHROME_PATH = process.env.CHROME_PATH || "/usr/bin/chromium";
const PYTHON = process.env.PYTHON || (existsSync(path.join(ROOT, ".venv/bin/python")) ? path.join(ROOT, ".venv/bin/python") : "python3");
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const TARGET = 0.95;
const RUNS = Number(process.env.LIGHTHOUSE_RUNS || 3);
// Chromium must fetch nothing beyond localhost: the machines have no other network.
const CHROME_FLAGS = [
  "--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
  "--disable-default-apps", "--disable-sync", "--no-first-run", "--disable-extensions",
  "--disable-features=Translate,OptimizationHints,MediaRouter",
].join(" ");
const TYPES = { ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
  ".png": "image/png", ".webp": "image/webp", ".ico": "image/x-icon", ".woff2": "font/woff2" };
const COMPRESSIBLE = new Set([".css", ".js", ".svg"]);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => { const { port } = server.address(); server.close(() => resolve(port)); });
  });
}

function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", ...options });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}`))));
  });
}

/** The app's environment: production settings with throwaway secrets and a scratch database. */
function shopEnv(workdir, baseUrl) {
  const env = { ...process.env };
  delete env.STOREFRONT_DEV;
  return Object.assign(env, {
    STOREFRONT_DATABASE_URL: `sqlite:///${path.join(workdir, "shop.db")}`,
    STOREFRONT_UPLOAD_DIR: path.join(workdir, "uploads"),
    STOREFRONT_MAIL_DIR: path.join(workdir, "mail"),
    STOREFRONT_SECRET_KEY: randomBytes(32).toString("hex"),
    STOREFRONT_DATA_KEYS: randomBytes(32).toString("base64url") + "=",
    STOREFRONT_BASE_URL: baseUrl,
    STOREFRONT_TRUSTED_PROXIES: "1",
    GUNICORN_WORKERS: "2",
  });
}

/** Serve one static file as nginx's `location ^~ /static/` does: gzip for text, a cache lifetime. */
function serveStatic(request, response) {
  const name = decodeURIComponent(new URL(request.url, "http://x").pathname.slice("/static/".length));
  const file = path.resolve(STATIC_DIR, name);
  if (!file.startsWith(STATIC_DIR + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404).end();
    return;
  }
  const ext = path.extname(file);
  // A versioned URL (?v=<content hash>) can be cached for a year; a bare one for a day, as nginx does.
  const versioned = new URL(request.url, "http://x").searchParams.has("v");
  const headers = {
    "Content-Type": TYPES[ext] || "application/octet-stream",
    "Cache-Control": versioned ? "public, max-age=31536000, immutable" : "public, max-age=86400",
    "X-Content-Type-Options": "nosniff",
    Vary: "Accept-Encoding",
  };
  const stream = createReadStream(file);
  if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(request.headers["accept-encoding"] || "")) {
    response.writeHead(200, { ...headers, "Content-Encoding": "gzip" });
    stream.pipe(zlib.createGzip({ level: 6 })).pipe(response);
  } else {
    response.writeHead(200, { ...headers, "Content-Length": statSync(file).size });
    stream.pipe(response);
  }
}

/** The stand-in for nginx: static files itself, everything else proxied to gunicorn unchanged. */
function startFront(frontPort, appPort) {
  const server = http.createServer((request, response) => {
    if (request.url.startsWith("/static/")) return serveStatic(request, response);
    const upstream = http.request({ host: "127.0.0.1", port: appPort, method: request.method, path: request.url,
      headers: { ...request.headers, "x-forwarded-for": "127.0.0.1", "x-forwarded-proto": "http" } }, (reply) => {
      response.writeHead(reply.statusCode, reply.headers);
      reply.pipe(response);
    });
    upstream.once("error", () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(frontPort, "127.0.0.1", () => resolve(server)));
}

async function waitFor(url, seconds = 30) {
  for (let i = 0; i < seconds * 4; i += 1) {
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${seconds} s`);
}

/** Cookies a response sets, as one Cookie header value merged into `jar`. */
function keepCookies(response, jar) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const [name] = pair.split("=");
    jar.set(name.trim(), pair.trim());
  }
  return [...jar.values()].join("; ");
}

/** A cart holding one product, as a shopper's browser would (its cookies), so the cart page shows a line. */
async function cartCookies(base, slug) {
  const jar = new Map();
  const page = await fetch(`${base}/en/products/${slug}`);
  const cookie = keepCookies(page, jar);
  const html = await page.text();
  const token = html.match(/name="csrf_token" value="([^"]+)"/);
  const product = html.match(/name="product_id" value="(\d+)"/);
  if (!token || !product) throw new Error(`/en/products/${slug} has no add-to-cart form`);
  const added = await fetch(`${base}/en/cart/items`, { method: "POST", redirect: "manual",
    headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Referer: `${base}/en/products/${slug}` },
    body: new URLSearchParams({ csrf_token: token[1], product_id: product[1], quantity: "1" }) });
  if (added.status >= 400) throw new Error(`adding to the cart answered ${added.status}`);
  return keepCookies(added, jar);
}

/** The first category and in-stock product linked from the English home page, so the pages are real ones. */
async function pickPages(base) {
  const html = await (await fetch(`${base}/en/`)).text();
  const category = html.match(/href="\/en\/categories\/([^"?/]+)"/);
  const product = html.match(/href="\/en\/products\/([^"?/]+)"/);
  if (!category || !product) throw new Error("the home page links no category or product: is the demo seeded?");
  const cookie = await cartCookies(base, product[1]);
  const pages = [];
  for (const lang of ["en", "zh"]) {
    pages.push({ name: `home ${lang}`, url: `${base}/${lang}/`, seo: true });
    pages.push({ name: `category ${lang}`, url: `${base}/${lang}/categories/${category[1]}`, seo: true });
    pages.push({ name: `product ${lang}`, url: `${base}/${lang}/products/${product[1]}`, seo: true });
    pages.push({ name: `cart ${lang}`, url: `${base}/${lang}/cart`, seo: false, cookie });
  }
  return pages;
}

/** Lighthouse RUNS times on one page; the run with the median performance score stands, as Lighthouse's
 * own advice has it: a busy 2-core machine makes single runs of Total Blocking Time vary. */
async function medianAudit(page, workdir) {
  const runs = [];
  for (let i = 1; i <= RUNS; i += 1) runs.push(await audit(page, workdir, i));
  runs.sort((a, b) => a.scores.performance - b.scores.performance);
  return runs[Math.floor(runs.length / 2)];
}

async function audit(page, workdir, attempt) {
  const output = path.join(workdir, `${page.name.replace(" ", "-")}-${attempt}.json`);
  const args = [page.url, "--form-factor=mobile", "--output=json", `--output-path=${output}`, "--quiet",
    `--chrome-flags=${CHROME_FLAGS}`, `--only-categories=${CATEGORIES.join(",")}`];
  if (page.cookie) args.push(`--extra-headers=${JSON.stringify({ Cookie: page.cookie })}`);
  await run(LIGHTHOUSE, args, { env: { ...process.env, CHROME_PATH } });
  const report = JSON.parse(readFileSync(output, "utf8"));
  // Only audits that weigh in a score: the "opportunities" and "insights" are hints that cost nothing.
  const weighed = new Set(CATEGORIES.flatMap((c) => report.categories[c].auditRefs.filter((r) => r.weight > 0).map((r) => r.id)));
  const failing = [...weighed].filter((id) => report.audits[id].score !== null && report.audits[id].score < 1)
    .map((id) => `${id} ${report.audits[id].score}`);
  return { scores: Object.fromEntries(CATEGORIES.map((c) => [c, report.categories[c].score])), failing };
}

function printTable(results) {
  const pad = (text, width) => String(text).padEnd(width);
  console.log(`\n${pad("page", 12)}${CATEGORIES.map((c) => pad(c, 16)).join("")}`);
  let missed = 0;
  for (const { page, scores, failing } of results) {
    const cells = CATEGORIES.map((c) => {
      const exempt = c === "seo" && !page.seo;
      const ok = exempt || scores[c] >= TARGET;
      if (!ok) missed += 1;
      return pad(`${scores[c].toFixed(2)}${ok ? "" : " MISS"}${exempt ? " (noindex)" : ""}`, 16);
    });
    console.log(`${pad(page.name, 12)}${cells.join("")}`);
    if (failing.length) console.log(`${pad("", 12)}scored audits below 1: ${failing.join(", ")}`);
  }
  console.log(`\nMedian of ${RUNS} runs per page. Target: each category >= ${TARGET} (SEO not counted on the noindex cart). ${missed ? `${missed} missed.` : "All met."}`);
  return missed;
}

async function main() {
  if (!existsSync(LIGHTHOUSE)) throw new Error("Lighthouse is not installed: run `npm ci` first.");
  if (!existsSync(CHROME_PATH)) throw new Error(`Chromium not found at ${CHROME_PATH}: apt-get install chromium fonts-noto-cjk`);
  const workdir = process.env.LIGHTHOUSE_WORKDIR || mkdtempSync(path.join(os.tmpdir(), "storefront-lighthouse-"));
  mkdirSync(workdir, { recursive: true });
  const [appPort, frontPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${frontPort}`;
  const env = shopEnv(workdir, base);
  const flask = (...args) => run(PYTHON, ["-m", "flask", "--app", "wsgi", ...args], { cwd: ROOT, env });
  await flask("db", "upgrade");
  await flask("seed-demo");
  const gunicorn = spawn(PYTHON, ["-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
    { cwd: ROOT, env: { ...env, GUNICORN_BIND: `127.0.0.1:${appPort}` }, stdio: ["ignore", "ignore", "inherit"] });
  const front = await startFront(frontPort, appPort);
  try {
    await waitFor(`${base}/en/`);
    const results = [];
    for (const page of await pickPages(base)) {
      results.push({ page, ...(await medianAudit(page, workdir)) });
    }
    console.log(`Reports: ${workdir}`);
    return printTable(results) ? 1 : 0;
  } finally {
    front.close();
    gunicorn.kill("SIGTERM");
  }
}

main().then((code) => process.exit(code), (error) => { console.error(`lighthouse: ${error.message}`); process.exit(2); });
