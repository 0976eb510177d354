// Drives the GraphiQL playground in Debian's headless Chromium against a live `dossier serve`
// that serves the playground's files itself: the page must render offline, run a query through
// the UI and show the answer, and run a mutation once the write token is in its Headers editor.
//
// Environment: DOSSIER_BIN (the dossier binary; required), DOSSIER_PLAYGROUND_ASSETS (the
// folder scripts/playground-assets filled; required), CHROMIUM (default /usr/bin/chromium),
// DOSSIER_ARTIFACTS (where screenshots go; default <repo>/artifacts/playground).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import puppeteer from "puppeteer-core";

const bin = mustEnv("DOSSIER_BIN");
const assets = mustEnv("DOSSIER_PLAYGROUND_ASSETS");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const artifacts = resolve(process.env.DOSSIER_ARTIFACTS || join(import.meta.dirname, "..", "..", "artifacts", "playground"));

let dataDir, server, serverLog = "", base, token, browser, page;
const offsite = []; // requests the page tried to send anywhere but this server
const pageErrors = []; // console errors, CSP violations and uncaught exceptions

function mustEnv(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

async function waitFor(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; server log:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// graphql asks the server directly, to check what the browser showed against the store.
async function graphql(query, headers = {}) {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

async function screenshot(name) {
  const file = join(artifacts, name);
  await page.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
}

// setEditor puts text into one of GraphiQL's CodeMirror editors, as a paste would.
async function setEditor(selector, text) {
  await page.$eval(selector, (el, t) => el.CodeMirror.setValue(t), text);
}

// setQuery puts a query into the query editor and waits until GraphiQL has read its
// operation name (it does so a moment after each change), so that a click on run sends the
// new operation rather than the old one's name.
async function setQuery(text, operationName) {
  const editor = ".graphiql-query-editor .CodeMirror";
  await setEditor(editor, text);
  await waitFor(`GraphiQL to see operation ${operationName}`,
    () => page.$eval(editor, (el, name) => el.CodeMirror.operationName === name, operationName));
}

async function editorText(selector) {
  return page.$eval(selector, (el) => el.CodeMirror.getValue());
}

// run clicks GraphiQL's run button and waits for a new answer in the result pane.
async function run() {
  const previous = await editorText(".result-window .CodeMirror");
  await page.click(".graphiql-execute-button");
  const text = await waitFor("an answer in the result pane", async () => {
    const t = await editorText(".result-window .CodeMirror");
    return t.trim() !== "" && t !== previous ? t : null;
  });
  return JSON.parse(text);
}

before(async () => {
  await mkdir(artifacts, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), "dossier-playground-"));
  // A named write credential, made as an analyst would: the token is printed once.
  const created = await promisify(execFile)(bin, ["token", "create", "playground-tester", "--role", "write", "--data", join(dataDir, "data")]);
  token = created.stdout.trim();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ["serve", "--data", join(dataDir, "data"), "--addr", `127.0.0.1:${port}`, "--playground-assets", assets],
    { stdio: ["ignore", "ignore", "pipe"] });
  server.stderr.on("data", (d) => { serverLog += d; });
  await waitFor("the server's health check", async () => (await fetch(`${base}/healthz`)).ok);

  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: join(dataDir, "chromium"),
    // Root needs --no-sandbox; the rest keeps Chromium from calling home on a closed network.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--window-size=1400,900"],
    defaultViewport: { width: 1400, height: 900 },
  });
  page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    if (req.url().startsWith(base + "/") || req.url().startsWith("data:")) return req.continue();
    offsite.push(req.url());
    req.abort();
  });
  page.on("console", (msg) => { if (msg.type() === "error") pageErrors.push(msg.text()); });
  page.on("pageerror", (err) => pageErrors.push(String(err)));
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  if (server && server.exitCode === null) await new Promise((r) => server.once("exit", r));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test("the server says it serves the playground's files itself", () => {
  assert.match(serverLog, new RegExp(`msg=playground url=${base}/playground assets=`));
  assert.doesNotMatch(serverLog, /assets="?CDN/);
});

test("the playground renders offline and answers its opening query", async () => {
  const res = await page.goto(`${base}/playground`, { waitUntil: "networkidle0" });
  assert.equal(res.status(), 200);
  await page.waitForSelector(".graphiql-container .graphiql-query-editor .CodeMirror", { timeout: 20000 });
  assert.match(await editorText(".graphiql-query-editor .CodeMirror"), /query SeedStory/);
  await waitFor("GraphiQL to read the opening query",
    () => page.$eval(".graphiql-query-editor .CodeMirror", (el) => el.CodeMirror.operationName === "SeedStory"));

  const answer = await run();
  await screenshot("01-seed-query.png");
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  assert.equal(answer.data.entity.name, "Mexico");
  assert.ok(answer.data.search.some((e) => e.id === "mexico"), "search finds Mexico");
  // The page must show what the store holds: the same query asked directly.
  const direct = await graphql(await editorText(".graphiql-query-editor .CodeMirror"));
  assert.equal(answer.data.entity.relationships.totalCount, direct.data.entity.relationships.totalCount);
  assert.ok(answer.data.entity.relationships.totalCount > 0);
  const shown = await page.$eval(".result-window", (el) => el.innerText);
  assert.match(shown, /"name": "Mexico"/, "the answer is on screen");
});

test("a mutation is refused without the token and runs with it in the Headers editor", async () => {
  const name = `Playground Tester ${randomBytes(4).toString("hex")}`;
  const mutation = `mutation AddTester {\n  createEntity(input: {kind: PERSON, name: "${name}", description: "Added by the browser test"}) {\n    id\n    name\n    kind\n  }\n}\n`;
  await setQuery(mutation, "AddTester");
  const refused = await run();
  await screenshot("02-mutation-without-token.png");
  assert.equal(refused.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", JSON.stringify(refused));

  // Typed in, as an analyst would; GraphiQL closes brackets and quotes as they are typed.
  // The tool pane holds the variables and the headers editors; the hidden one is variables.
  const headers = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror";
  await page.waitForSelector(headers, { visible: true });
  await setEditor(headers, "");
  await page.click(headers);
  await page.keyboard.type(`{"Authorization": "Bearer ${token}"}`);
  assert.deepEqual(JSON.parse(await editorText(headers)), { Authorization: `Bearer ${token}` });
  const created = await run();
  // The token is blurred in the picture: artifacts get passed around.
  await page.addStyleTag({ content: ".graphiql-editor-tool .CodeMirror-code { filter: blur(5px); }" });
  await screenshot("03-mutation-with-token.png");
  assert.equal(created.errors, undefined, JSON.stringify(created.errors));
  assert.equal(created.data.createEntity.name, name);

  const stored = await graphql(`{ entity(id: "${created.data.createEntity.id}") { name kind } }`);
  assert.deepEqual(stored.data.entity, { name, kind: "PERSON" });
});

test("nothing was fetched from elsewhere and the page raised no errors", async () => {
  assert.deepEqual(offsite, []);
  assert.deepEqual(pageErrors.filter((e) => !/status of 401/.test(e)), []);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /dossier_graphql_operations_total\{operation="mutation",outcome="ok"\} [1-9]/);
  assert.match(metrics, /dossier_http_requests_total\{method="GET",route="\/playground\/assets\/\*file",status="200"\} 4/);
});
