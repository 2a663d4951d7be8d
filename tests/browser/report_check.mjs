// report_check.mjs — open the register's annual report (register report
// --html) in headless Chromium as a manager would: it must load with no
// request anywhere (not even beside it), no script and no console error;
// save the text it shows and a full-page screenshot, and print what its
// charts draw.
//
// node report_check.mjs CHROMIUM PAGE TEXT_OUT SCREENSHOT
//
// Prints "title: ...", "charts: N", then "bar: LABEL = COUNT (WIDTHpx)" for
// every bar; exits 0 when the page loaded cleanly, 1 with "FAIL: ..." lines
// otherwise, 2 on a usage or browser error.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [exe, pageArg, textOut, shot] = process.argv.slice(2);
if (!exe || !pageArg || !textOut || !shot) {
	console.error('usage: node report_check.mjs CHROMIUM PAGE TEXT_OUT ' +
	    'SCREENSHOT');
	process.exit(2);
}
const url = pathToFileURL(realpathSync(pageArg)).href;
const failures = [];
const fail = (msg) => { failures.push(msg); console.log('FAIL: ' + msg); };

const profile = mkdtempSync(join(tmpdir(), 'exhibit-chromium-'));
let ctx;
try {
	ctx = await chromium.launchPersistentContext(profile, {
		executablePath: exe,
		headless: true,
		viewport: { width: 1000, height: 800 },
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
		    '--no-first-run', '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
} catch (e) {
	console.error('cannot start ' + exe + ': ' + e.message);
	rmSync(profile, { recursive: true, force: true });
	process.exit(2);
}
// The page itself only: anything else it asks for is a failure.
await ctx.route((u) => u.href !== url, (route) => {
	fail('request: ' + route.request().url());
	return route.abort();
});
const page = ctx.pages()[0] ?? await ctx.newPage();
page.on('console', (m) => {
	if (m.type() === 'error')
		fail('console error: ' + m.text());
});
page.on('pageerror', (e) => fail('script error: ' + e.message));
try {
	await page.goto(url, { waitUntil: 'load', timeout: 30000 });
	console.log('title: ' + await page.title());
	if (await page.locator('script').count() > 0)
		fail('the page holds a script');
	writeFileSync(textOut, await page.evaluate(() =>
	    document.body.innerText));
	const charts = await page.locator('svg').count();
	console.log('charts: ' + charts);
	const bars = await page.$$eval('svg rect', (rs) => rs.map((r) => {
		const label = r.previousElementSibling;
		const count = r.nextElementSibling;
		const box = r.getBoundingClientRect();
		return (label ? label.textContent : '?') + ' = ' +
		    (count ? count.textContent : '?') + ' (' +
		    Math.round(box.width) + 'px)';
	}));
	for (const b of bars)
		console.log('bar: ' + b);
	await page.screenshot({ path: shot, fullPage: true });
} catch (e) {
	fail('page: ' + e.message);
}
await ctx.close();
rmSync(profile, { recursive: true, force: true });
process.exit(failures.length === 0 ? 0 : 1);
