// page_sound.mjs — does a bundle's data/index.html play each clip with its
// sound?  Opens the page in headless Chromium (autoplay allowed, as a click
// would), and for every <video>: is it muted as the page made it, then
// plays it for about a second and reads how much sound the browser decoded
// (webkitAudioDecodedByteCount) and the loudest sample an analyser on the
// element's output saw.  Writes the page's text as the reader sees it
// (innerText) to TEXT_OUT for the caller to read.
//
// node page_sound.mjs CHROMIUM DATA_DIR PAGE TEXT_OUT [SCREENSHOT.png]
//
// Prints one line per video:
//   video cam1/working/x.mp4: muted no, volume 1, played 0 -> 1.2 s,
//   sound decoded 9000 bytes, peak 0.51
// and "page: N videos, M with sound"; exits 0 when the page loaded and
// every video played, 1 with "FAIL: ..." lines otherwise, 2 on a usage or
// browser error.  Whether a clip should have sound is the caller's to say.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [exe, dataDirArg, pageName, textOut, shot] = process.argv.slice(2);
if (!exe || !dataDirArg || !pageName || !textOut) {
	console.error('usage: node page_sound.mjs CHROMIUM DATA_DIR PAGE ' +
	    'TEXT_OUT [SCREENSHOT]');
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
		    '--disable-component-update', '--disable-sync',
		    '--autoplay-policy=no-user-gesture-required',
		    '--allow-file-access-from-files'],
	});
} catch (e) {
	console.error('cannot start ' + exe + ': ' + e.message);
	rmSync(profile, { recursive: true, force: true });
	process.exit(2);
}
// Nothing but the bundle's own files.
await ctx.route((u) => !(u.href.startsWith(inside) ||
    u.href.startsWith('data:')), (route) => {
	fail('request outside the bundle: ' + route.request().url());
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
	await page.goto(inside + pageName, { waitUntil: 'load',
	    timeout: 30000 });
	result = await page.evaluate(async () => {
		const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
		const out = [];
		for (const v of document.querySelectorAll('video')) {
			// As the page made it, before anything is touched.
			const r = { src: v.currentSrc || v.src,
			    muted: v.muted || v.defaultMuted ||
			    v.hasAttribute('muted'), volume: v.volume };
			v.scrollIntoView();
			let t = Date.now();
			while (v.readyState < 2 && !v.error &&
			    Date.now() - t < 15000)
				await sleep(50);
			// An analyser on what the element plays (it still
			// reaches the speakers through the destination).
			let an = null, ac = null, buf = null;
			try {
				ac = new AudioContext();
				const src = ac.createMediaElementSource(v);
				an = ac.createAnalyser();
				an.fftSize = 2048;
				src.connect(an);
				an.connect(ac.destination);
				await ac.resume();
				buf = new Float32Array(an.fftSize);
			} catch (e) {
				r.analyserError = String(e);
				an = null;
			}
			r.t0 = v.currentTime;
			try {
				await v.play();
			} catch (e) {
				r.playError = String(e);
			}
			r.peak = 0;
			t = Date.now();
			while (Date.now() - t < 1500 && !v.ended && !v.error) {
				if (an !== null) {
					an.getFloatTimeDomainData(buf);
					for (const x of buf)
						if (Math.abs(x) > r.peak)
							r.peak = Math.abs(x);
				}
				await sleep(20);
			}
			r.t1 = v.currentTime;
			r.decoded = v.webkitAudioDecodedByteCount ?? -1;
			r.error = v.error ? (v.error.message || 'code ' +
			    v.error.code) : null;
			v.pause();
			if (ac !== null)
				await ac.close();
			out.push(r);
		}
		return { videos: out, text: document.body.innerText };
	});
} catch (e) {
	fail('page: ' + e.message);
}

if (result !== undefined) {
	writeFileSync(textOut, result.text);
	let withSound = 0;
	for (const v of result.videos) {
		const name = v.src.startsWith(inside) ?
		    v.src.slice(inside.length) : v.src;
		console.log(`video ${name}: muted ${v.muted ? 'yes' : 'no'}, ` +
		    `volume ${v.volume}, played ${v.t0} -> ${v.t1} s, ` +
		    `sound decoded ${v.decoded} bytes, peak ` +
		    `${v.peak.toFixed(2)}` +
		    (v.analyserError ? `, analyser ${v.analyserError}` : '') +
		    (v.error ? `, error ${v.error}` : '') +
		    (v.playError ? `, play() ${v.playError}` : ''));
		if (!(v.t1 > v.t0))
			fail(`video ${name}: did not play`);
		if (v.decoded > 0)
			withSound++;
	}
	if (shot)
		await page.screenshot({ path: shot, fullPage: true });
	console.log(`page: ${result.videos.length} videos, ${withSound} ` +
	    'with sound');
}

await ctx.close();
rmSync(profile, { recursive: true, force: true });
process.exit(failures.length === 0 ? 0 : 1);
