// The live board (`yoi-tickets serve`) in headless Chromium, driven by
// puppeteer-core (make serve-test). A fixture store of 16 tickets in a
// temporary git repository; the server on a free port; the test opens
// the board, filters it, queues a ticket by clicking, sees the refusal
// for a blocked one, adds a comment, and sees a CLI write appear without
// a reload. Screenshots of the board and a ticket page at 1400x1000 go
// to $SCREENS (build/screens). Every wait is for a condition of the page,
// bounded by a timeout; none waits for time to pass.
//
// Environment: YOI_BIN (the binary), CHROMIUM (default /usr/bin/chromium),
// SCREENS (where the screenshots go).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const BIN = process.env.YOI_BIN;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SCREENS = process.env.SCREENS || "screens";
const WAIT = 20000; // ms: the bound of every wait on a busy 2-core machine

let top, dir, server, url, origin, browser, page;
const ids = {};

function yoi(...args) {
	return execFileSync(BIN, args, {
		cwd: dir,
		encoding: "utf8",
		env: { ...process.env, YOI_TICKETS_AUTHOR: "alice" },
	}).trim();
}

function create(key, title, state, opts = []) {
	const id = yoi("create", "--title", title, ...opts);
	ids[key] = id;
	const path = {
		planning: [],
		ready: ["ready"],
		queued: ["ready", "queued"],
		inprogress: ["ready", "queued", "inprogress"],
		done: ["ready", "queued", "inprogress", "done"],
	}[state];
	for (const s of path)
		yoi("state", id, s, ...(s === "ready" ? ["--summary", "intake done"] : []));
	return id;
}

before(async () => {
	assert.ok(BIN, "YOI_BIN is not set; run through 'make serve-test'");
	top = mkdtempSync(join(tmpdir(), "yoi-serve-"));
	dir = join(top, "acme-app"); // the board's title
	mkdirSync(dir);
	execFileSync("git", ["init", "-q"], { cwd: dir });
	execFileSync("git", ["config", "user.name", "Alice"], { cwd: dir });
	execFileSync("git", ["config", "user.email", "alice@example.com"], { cwd: dir });
	yoi("init");
	const core = create("core", "Parser handles CRLF line endings", "done", ["--assignee", "alice"]);
	create("api", "Public API for the import set", "ready", ["--assignee", "bob"]);
	create("blocked", "Importer for Backlog.md boards", "ready", ["--depends-on", ids.api]);
	create("docs", "Document the merge driver", "ready", ["--assignee", "carol"]);
	create("perf", "Cache the routing view", "queued", ["--risk-flag", "performance"]);
	create("auth", "Token check on every request", "inprogress", ["--assignee", "bob", "--risk-flag", "security"]);
	create("ui", "Lanes side by side at 1400 px", "inprogress", ["--assignee", "carol"]);
	create("sse", "Server-Sent Events for live pages", "queued", ["--depends-on", core]);
	create("fuzz", "Fuzz the board renderer", "planning");
	create("i18n", "Japanese texts for the board", "planning", ["--assignee", "dan"]);
	create("bench", "Benchmark the board on 10,000 tickets", "ready", ["--depends-on", ids.perf]);
	create("csp", "Strict CSP without inline code", "done");
	create("drag", "Drag a card to another lane", "ready", ["--assignee", "carol"]);
	create("a11y", "Keyboard access to lanes", "planning");
	create("man", "Man page for serve", "done", ["--assignee", "dan"]);
	create("old", "Retire the static board", "planning");
	yoi("close", ids.old, "--resolution", "render --html stays for CI");

	server = spawn(BIN, ["serve", "--port", "0"], {
		cwd: dir,
		env: { ...process.env, YOI_TICKETS_AUTHOR: "alice" },
		stdio: ["ignore", "pipe", "pipe"],
	});
	url = await new Promise((resolve, reject) => {
		let out = "", err = "";
		const t = setTimeout(() => reject(new Error("no URL from serve: " + err)), WAIT);
		server.stderr.on("data", (d) => (err += d));
		server.stdout.on("data", (d) => {
			out += d;
			const nl = out.indexOf("\n");
			if (nl >= 0) {
				clearTimeout(t);
				resolve(out.slice(0, nl));
			}
		});
		server.on("exit", (c) => reject(new Error(`serve ended (${c}): ${err}`)));
	});
	assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?t=[0-9a-f]{32}$/);
	origin = new URL(url).origin;

	browser = await puppeteer.launch({
		executablePath: CHROMIUM,
		headless: true,
		userDataDir: mkdtempSync(join(tmpdir(), "yoi-chromium-")),
		args: [
			"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
			"--no-first-run", "--disable-background-networking",
			"--disable-component-update", "--disable-sync",
		],
	});
	page = await browser.newPage();
	page.setDefaultTimeout(WAIT);
	await page.setViewport({ width: 1400, height: 1000 });
	mkdirSync(SCREENS, { recursive: true });
});

after(async () => {
	if (browser) await browser.close();
	if (server && server.exitCode === null) {
		const done = new Promise((r) => server.on("exit", r));
		server.kill("SIGTERM");
		await done;
	}
	if (top) rmSync(top, { recursive: true, force: true });
});

const cardIn = (lane, key) => `#lane-${lane} #card-${ids[key]}`;

test("the board opens with the token and shows the lanes", async () => {
	const errors = [];
	page.on("pageerror", (e) => errors.push(String(e)));
	page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
	const res = await page.goto(url, { waitUntil: "load" });
	assert.equal(res.status(), 200);
	assert.match(res.headers()["content-security-policy"], /default-src 'none'/);
	for (const s of ["planning", "ready", "queued", "inprogress", "done", "closed"])
		await page.waitForSelector(`#lane-${s}`);
	await page.waitForSelector(cardIn("ready", "api"));
	await page.waitForSelector(cardIn("inprogress", "auth"));
	// The blocker by title, linked, never a bare ID.
	const blockers = await page.$eval(`#card-${ids.blocked} .blockers`, (e) => e.textContent);
	assert.match(blockers, /Public API for the import set/);
	await page.screenshot({ path: join(SCREENS, "board.png") });
	// The token went to a cookie: the board opens without ?t= now.
	const again = await page.goto(origin + "/", { waitUntil: "load" });
	assert.equal(again.status(), 200);
	assert.deepEqual(errors, [], "no script error, no CSP violation");
});

test("filter by text, kept in the URL", async () => {
	await page.goto(origin + "/", { waitUntil: "load" });
	await page.type('form.filters input[name="q"]', "importer");
	await page.click('form.filters button[type="submit"]');
	await page.waitForFunction(
		(gone) => !document.getElementById(gone) && location.search.includes("q=importer"),
		{}, `card-${ids.api}`);
	const titles = await page.$$eval("#board .card .title", (es) => es.map((e) => e.textContent));
	assert.deepEqual(titles, ["Importer for Backlog.md boards"]);
	await page.goto(origin + "/", { waitUntil: "load" });
});

test("queue a ready ticket by clicking", async () => {
	await page.goto(origin + "/", { waitUntil: "load" });
	await page.click(`#card-${ids.docs} form.queue button`);
	await page.waitForSelector(cardIn("queued", "docs"));
	const item = execFileSync("cat", [join(dir, ".yoi/tickets", ids.docs, "item.md")], { encoding: "utf8" });
	assert.match(item, /state: '?queued'?/);
	assert.match(item, /queued_by: '?alice'?/);
});

test("queueing a blocked ticket shows the refusal naming the blocker", async () => {
	await page.goto(origin + "/", { waitUntil: "load" });
	await page.click(`#card-${ids.blocked} form.queue button`);
	const flash = await page.waitForSelector(".flash.error");
	const text = await flash.evaluate((e) => e.textContent);
	assert.match(text, /cannot go to queued/);
	assert.ok(text.includes(ids.api), `the blocker named: ${text}`);
	const item = execFileSync("cat", [join(dir, ".yoi/tickets", ids.blocked, "item.md")], { encoding: "utf8" });
	assert.match(item, /state: '?ready'?/);
});

test("add a comment on a ticket page", async () => {
	await page.goto(`${origin}/t/${ids.ui}`, { waitUntil: "load" });
	await page.type('textarea[name="text"]', "Looks right at 1400 px.");
	await Promise.all([
		page.waitForNavigation({ waitUntil: "load" }),
		page.click('form[action$="/comment"] button[type="submit"]'),
	]);
	await page.waitForFunction(() => document.body.textContent.includes("Looks right at 1400 px."));
	await page.screenshot({ path: join(SCREENS, "ticket.png") });
});

test("a CLI write appears without a reload", async () => {
	await page.goto(origin + "/", { waitUntil: "load" });
	await page.evaluate(() => (window.__sameDocument = true));
	const live = yoi("create", "--title", "Written by the CLI meanwhile");
	await page.waitForFunction(
		(id) => document.getElementById("card-" + id) !== null, {}, live);
	assert.equal(await page.evaluate(() => window.__sameDocument), true,
		"the page was not reloaded");
	// And a state change by the CLI moves a card.
	yoi("state", ids.drag, "queued");
	await page.waitForSelector(cardIn("queued", "drag"));
	assert.equal(await page.evaluate(() => window.__sameDocument), true);
	await page.screenshot({ path: join(SCREENS, "board-live.png") });
});
