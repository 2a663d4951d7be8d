// page_read.mjs — read a bundle's data/index.html as a person would, in
// headless Chromium: save the text the page shows, use its "Check files on
// this computer" control with a file of the bundle and with a changed copy,
// and take a full-page screenshot showing both answers.
//
// node page_read.mjs CHROMIUM DATA_DIR PAGE TEXT_OUT SCREENSHOT GOOD BAD
//
// PAGE is the page's name inside DATA_DIR (index.html); TEXT_OUT receives
// the page's rendered text (innerText); GOOD and BAD are files to pick.
//
// Prints "title: ...", then "check GOOD: CLASS: TEXT" and "check BAD: ..."
// (CLASS is good, bad or wait, the answer's style), then "checked both:"
// with one line per answer; exits 0 when the page loaded, made no request
// outside DATA_DIR, logged no error and answered every file, 1 with
// "FAIL: ..." lines otherwise, 2 on a usage or browser error.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [exe, dataDirArg, pageName, textOut, shot, good, bad] =
    process.argv.slice(2);
if (!exe || !dataDirArg || !pageName || !textOut || !shot || !good ||
    !bad) {
	console.error('usage: node page_read.mjs CHROMIUM DATA_DIR PAGE ' +
	    'TEXT_OUT SCREENSHOT GOOD BAD');
	process.exit(2);
}
const dataDir = realpathSync(dataDirArg);
const inside = pathToFileURL(dataDir).href + '/';
const failures = [];
const fail = (msg) => { failures.push(msg); console.log('FAIL: ' + msg); };

const profile = mkdtempSync(join(tmpdir(), 'exhibit-chromium-'));
let ctx;
try {
	ctx = await chromium.launchPersistentContext(profile, {
		executablePath: exe,
		headless: true,
		viewport: { width: 1100, height: 900 },
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
		    '--no-first-run', '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
} catch (e) {
	console.error('cannot start ' + exe + ': ' + e.message);
	rmSync(profile, { recursive: true, force: true });
	process.exit(2);
}
const allowed = (u) => u.startsWith(inside) || u.startsWith('data:');
await ctx.route((u) => !allowed(u.href), (route) => {
	fail('request outside the bundle: ' + route.request().url());
	return route.abort();
});
const page = ctx.pages()[0] ?? await ctx.newPage();
page.on('console', (m) => {
	if (m.type() === 'error')
		fail('console error: ' + m.text());
});
page.on('pageerror', (e) => fail('script error: ' + e.message));

// Pick files and wait until every answer is in (none still "checking").
async function pick(files) {
	await page.setInputFiles('#check-input', files);
	try {
		await page.waitForFunction((n) => {
			const li = document.querySelectorAll('#check-out li');
			return li.length === n && Array.prototype.every.call(li,
			    (e) => e.className !== 'wait');
		}, files.length, { timeout: 20000 });
	} catch (e) {
		fail('no answer from the file check for ' + files.join(', '));
	}
	return page.$$eval('#check-out li', (li) => li.map((e) =>
	    e.className + ': ' + e.textContent));
}

try {
	await page.goto(inside + pageName, { waitUntil: 'load',
	    timeout: 30000 });
	console.log('title: ' + await page.title());
	writeFileSync(textOut, await page.evaluate(() =>
	    document.body.innerText));
	for (const line of await pick([good]))
		console.log('check GOOD: ' + line);
	for (const line of await pick([bad]))
		console.log('check BAD: ' + line);
	console.log('checked both:');
	for (const line of await pick([good, bad]))
		console.log('  ' + line);
	await page.locator('#check').scrollIntoViewIfNeeded();
	await page.screenshot({ path: shot, fullPage: true });
} catch (e) {
	fail('page: ' + e.message);
}
await ctx.close();
rmSync(profile, { recursive: true, force: true });
process.exit(failures.length === 0 ? 0 : 1);
