// page_check.mjs — open a bundle's data/index.html in headless Chromium
// and check what a person would see: the page loads, nothing is fetched
// from outside the bundle's data/ folder, every thumbnail is a picture, and
// every <video> plays (ready, has a picture size, its time advances).
//
// node page_check.mjs CHROMIUM DATA_DIR PAGE EXPECTED_VIDEOS [SCREENSHOT.png]
//
// PAGE is the page's name inside DATA_DIR (index.html).
//
// Prints one line per finding and "page: N videos played, M requests, all
// inside data/"; exits 0 when everything holds, 1 with "FAIL: ..." lines
// otherwise, 2 on a usage or browser error.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [exe, dataDirArg, pageName, expectedArg, shot] = process.argv.slice(2);
if (!exe || !dataDirArg || !pageName || expectedArg === undefined) {
	console.error('usage: node page_check.mjs CHROMIUM DATA_DIR PAGE ' +
	    'EXPECTED_VIDEOS [SCREENSHOT]');
	process.exit(2);
}
const dataDir = realpathSync(dataDirArg);
const inside = pathToFileURL(dataDir).href + '/';
const pageUrl = inside + pageName;
const expected = Number(expectedArg);
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
		    '--disable-component-update', '--disable-sync',
		    '--autoplay-policy=no-user-gesture-required'],
	});
} catch (e) {
	console.error('cannot start ' + exe + ': ' + e.message);
	rmSync(profile, { recursive: true, force: true });
	process.exit(2);
}

// Every request any page of the browser makes: file: inside data/ and
// data: URIs are allowed.  Any other request that reaches the network
// layer (this router) is a failure, named, and aborted so nothing is sent;
// one the page's Content-Security-Policy stops before that is counted as
// refused.  One that does neither is a failure too.
const requests = [];
const outside = new Map();      // url -> 'pending' | 'sent' | 'refused'
const allowed = (u) => u.startsWith(inside) || u.startsWith('data:');
ctx.on('request', (r) => {
	const u = r.url();
	requests.push(u);
	if (!allowed(u) && !outside.has(u))
		outside.set(u, 'pending');
});
ctx.on('requestfailed', (r) => {
	if (outside.get(r.url()) === 'pending' &&
	    r.failure()?.errorText === 'csp')
		outside.set(r.url(), 'refused');
});
await ctx.route((u) => !allowed(u.href), (route) => {
	const u = route.request().url();
	outside.set(u, 'sent');
	fail('request outside the bundle: ' + u);
	return route.abort();
});

const page = ctx.pages()[0] ?? await ctx.newPage();
page.on('console', (m) => {
	if (m.type() === 'error')
		fail('console error: ' + m.text());
});
page.on('pageerror', (e) => fail('script error: ' + e.message));

let result;
try {
	const resp = await page.goto(pageUrl, { waitUntil: 'load',
	    timeout: 30000 });
	if (resp !== null && !resp.ok())
		fail('page did not load: ' + resp.status());
	console.log('title: ' + await page.title());
	result = await page.evaluate(async () => {
		const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
		const out = { h1: document.querySelector('h1')?.textContent ??
		    '', images: [], videos: [] };
		for (const img of document.images) {
			if (!img.complete)
				await img.decode().catch(() => {});
			out.images.push({ alt: img.alt, w: img.naturalWidth,
			    src: img.src.startsWith('data:') ?
			    img.src.slice(0, 22) : img.src });
		}
		for (const v of document.querySelectorAll('video')) {
			const r = { src: v.currentSrc || v.src };
			v.muted = true;
			v.scrollIntoView();
			let t = Date.now();
			while (v.readyState < 2 && !v.error &&
			    Date.now() - t < 15000)
				await sleep(50);
			r.ready = v.readyState;
			r.w = v.videoWidth;
			r.h = v.videoHeight;
			r.t0 = v.currentTime;
			try {
				await v.play();
			} catch (e) {
				r.playError = String(e);
			}
			t = Date.now();
			while (v.currentTime <= r.t0 && !v.error &&
			    Date.now() - t < 10000)
				await sleep(50);
			await sleep(300);
			r.t1 = v.currentTime;
			r.error = v.error ? (v.error.message || 'code ' +
			    v.error.code) : null;
			v.pause();
			out.videos.push(r);
		}
		return out;
	});
} catch (e) {
	fail('page: ' + e.message);
}

if (result !== undefined) {
	console.log('heading: ' + result.h1);
	// Thumbnails are embedded PNGs; other pictures (stills) are files
	// of the bundle.
	for (const i of result.images) {
		const thumb = i.alt.startsWith('First frame of ');
		console.log(`${thumb ? 'thumbnail' : 'picture'}: ${i.alt}: ` +
		    `${i.w} px wide`);
		if (!(i.w > 0))
			fail('picture does not show: ' + i.alt);
		if (thumb && !i.src.startsWith('data:image/png'))
			fail('thumbnail is not a data: PNG: ' + i.alt);
		if (!thumb && !i.src.startsWith(inside))
			fail('picture outside data/: ' + i.alt);
	}
	let played = 0;
	for (const v of result.videos) {
		const name = v.src.startsWith(inside) ?
		    v.src.slice(inside.length) : v.src;
		console.log(`video ${name}: readyState ${v.ready}, ` +
		    `${v.w}x${v.h}, time ${v.t0} -> ${v.t1}` +
		    (v.error ? `, error ${v.error}` : '') +
		    (v.playError ? `, play() ${v.playError}` : ''));
		if (!v.src.startsWith(inside))
			fail(`video ${name}: source outside data/`);
		else if (v.ready < 2)
			fail(`video ${name}: never ready to play ` +
			    `(readyState ${v.ready})` +
			    (v.error ? `: ${v.error}` : ''));
		else if (!(v.w > 0 && v.h > 0))
			fail(`video ${name}: no picture size`);
		else if (!(v.t1 > v.t0))
			fail(`video ${name}: time did not advance after play()`);
		else
			played++;
	}
	if (result.videos.length !== expected)
		fail(`${result.videos.length} <video> elements, expected ` +
		    `${expected}`);
	if (shot)
		await page.screenshot({ path: shot, fullPage: true });
	let refused = 0, left = 0;
	for (const [u, state] of outside) {
		if (state === 'refused') {
			console.log('refused by the page\'s policy: ' + u);
			refused++;
		} else {
			if (state === 'pending')
				fail('request outside the bundle: ' + u);
			left++;
		}
	}
	console.log(`page: ${played} of ${result.videos.length} videos ` +
	    `played, ${requests.length} requests, ` +
	    (outside.size === 0 ? 'all inside data/' : left === 0 ?
	    `none left data/ (${refused} refused by the page's policy)` :
	    `${left} went outside data/`));
}

await ctx.close();
rmSync(profile, { recursive: true, force: true });
process.exit(failures.length === 0 ? 0 : 1);
