/*
 * index_static.c — the parts of data/index.html that never change: its
 * style sheet and its one script, the "Check files on this computer"
 * control (see index_html.c), with the script's hash for the page's
 * Content-Security-Policy, computed here from the script itself so the
 * two cannot drift apart.
 */
#include "config.h"

#include <stdio.h>

#include <sodium.h>

#include "report/report_private.h"

const char report_html_style[] =
	":root{--ink:#1d2430;--muted:#5b6575;--line:#d5dae1;--band:#f3f5f8;"
	"--accent:#1f4e79;--warn:#8a3b00;--warnbg:#fff4e5}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 "
	"system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
	"sans-serif}\n"
	"main{max-width:1040px;margin:0 auto;padding:24px 28px 48px}\n"
	"header.top{border-bottom:3px solid var(--accent);padding-bottom:12px;"
	"margin-bottom:20px}\n"
	".kicker{color:var(--muted);text-transform:uppercase;"
	"letter-spacing:.08em;font-size:12px;margin:0}\n"
	"h1{font-size:26px;margin:4px 0 2px}\n"
	"h2{font-size:19px;margin:32px 0 10px;padding-bottom:4px;"
	"border-bottom:1px solid var(--line);color:var(--accent)}\n"
	"h3{font-size:17px;margin:22px 0 6px}\n"
	"h4{font-size:14px;margin:16px 0 6px;color:var(--muted);"
	"text-transform:uppercase;letter-spacing:.05em}\n"
	"p{margin:6px 0 10px}\n"
	"code,pre,.hash,.mono{font-family:ui-monospace,\"DejaVu Sans Mono\","
	"Menlo,Consolas,monospace;font-size:13px}\n"
	"pre{background:var(--band);border:1px solid var(--line);"
	"border-radius:4px;padding:8px 10px;white-space:pre-wrap;"
	"word-break:break-all;margin:6px 0 12px}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;vertical-align:top;padding:5px 8px;"
	"border-bottom:1px solid var(--line)}\n"
	"th{font-weight:600;white-space:nowrap}\n"
	"table.facts th{width:13em;color:var(--muted)}\n"
	"table.files{font-size:13px}\n"
	"table.files th{background:var(--band)}\n"
	".hash{word-break:break-all;font-size:12px}\n"
	"td.size{white-space:nowrap}\n"
	".utc{color:var(--muted);font-size:13px}\n"
	".camera{margin-top:28px}\n"
	".where{color:var(--muted);margin-top:0}\n"
	".clip{border:1px solid var(--line);border-radius:6px;padding:12px;"
	"margin:12px 0;break-inside:avoid}\n"
	".clip-head{display:flex;gap:16px;align-items:flex-start}\n"
	".clip-head table{flex:1}\n"
	".clip-head th{width:7em;color:var(--muted)}\n"
	".thumb{flex:none;width:240px;height:auto;border:1px solid var(--line);"
	"background:#000}\n"
	".nothumb{flex:none;width:240px;padding:40px 8px;text-align:center;"
	"color:var(--muted);border:1px dashed var(--line)}\n"
	"video{display:block;width:100%;max-width:720px;height:auto;"
	"margin-top:12px;background:#000}\n"
	".notice{background:var(--warnbg);border-left:4px solid var(--warn);"
	"padding:8px 12px;margin:8px 0}\n"
	".note{background:var(--band);border-left:4px solid var(--accent);"
	"padding:8px 12px;margin:8px 0}\n"
	".line{display:block;margin-top:4px}\n"
	".dst{display:block;margin-top:2px;color:var(--warn);font-size:13px}\n"
	".check{border:2px solid var(--accent);border-radius:6px;"
	"padding:12px 16px;margin:12px 0 20px;background:#f7fafd}\n"
	".check h3{margin-top:4px}\n"
	".check label{display:inline-block;font-weight:600;margin:4px 0 8px}\n"
	".check input{display:block;margin:4px 0 10px;font:inherit}\n"
	"#check-out{list-style:none;padding:0;margin:8px 0}\n"
	"#check-out li{padding:6px 10px;margin:4px 0;border-radius:4px;"
	"word-break:break-word}\n"
	"#check-out li.good{background:#e6f4ea;border-left:4px solid #1e7b34}\n"
	"#check-out li.bad{background:#fdecea;border-left:4px solid #b3261e}\n"
	"#check-out li.wait{background:var(--band)}\n"
	".limits{color:var(--muted);font-size:14px}\n"
	"table.words th{width:13em}\n"
	"footer{margin-top:40px;color:var(--muted);font-size:13px;"
	"border-top:1px solid var(--line);padding-top:8px}\n"
	"@media print{body{font-size:10.5pt}main{max-width:none;padding:0}"
	"video{display:none}a{color:inherit;text-decoration:none}"
	"h2{break-after:avoid}.camera{break-inside:auto}"
	".check input{display:none}}\n";

/*
 * The file check.  No "//" and no URL in it (the page has none); textContent
 * only, never HTML.  Its SHA-256 goes into the page's policy.
 */
const char report_html_script[] =
	"(function () {\n"
	"'use strict';\n"
	"var list = JSON.parse(document.getElementById('exhibit-files')"
	".textContent);\n"
	"var input = document.getElementById('check-input');\n"
	"var out = document.getElementById('check-out');\n"
	"function hex(buf) {\n"
	"  var a = new Uint8Array(buf), s = '', i;\n"
	"  for (i = 0; i < a.length; i++)\n"
	"    s += (a[i] < 16 ? '0' : '') + a[i].toString(16);\n"
	"  return s;\n"
	"}\n"
	"function say(li, cls, text) {\n"
	"  li.className = cls;\n"
	"  li.textContent = text;\n"
	"}\n"
	"function check(f) {\n"
	"  var li = document.createElement('li');\n"
	"  say(li, 'wait', f.name + ': checking\\u2026');\n"
	"  out.appendChild(li);\n"
	"  f.arrayBuffer().then(function (b) {\n"
	"    return crypto.subtle.digest('SHA-256', b);\n"
	"  }).then(function (d) {\n"
	"    var h = hex(d), i, hit = null, same = null;\n"
	"    for (i = 0; i < list.length; i++) {\n"
	"      if (list[i].sha256 === h && hit === null) hit = list[i];\n"
	"      if (list[i].name === f.name && same === null) same = list[i];\n"
	"    }\n"
	"    if (hit !== null)\n"
	"      say(li, 'good', '\\u2714 ' + f.name + ' matches the file listed"
	" as ' + hit.path + ' (SHA-256 ' + h + ').');\n"
	"    else if (same !== null)\n"
	"      say(li, 'bad', '\\u2718 ' + f.name + ' does not match: it is not"
	" the file listed as ' + same.path + '. Its SHA-256 is ' + h + ';"
	" the list says ' + same.sha256 + '.');\n"
	"    else\n"
	"      say(li, 'bad', '\\u2718 ' + f.name + ' does not match any file"
	" listed on this page (SHA-256 ' + h + ').');\n"
	"  }, function (e) {\n"
	"    say(li, 'bad', '\\u2718 ' + f.name + ' could not be checked"
	" here (' + e.message + '); a very large file may be too big for the"
	" browser: use sha256sum, below.');\n"
	"  });\n"
	"}\n"
	"if (!(window.crypto && crypto.subtle)) {\n"
	"  input.disabled = true;\n"
	"  say(out.appendChild(document.createElement('li')), 'bad',"
	" 'This browser does not offer the check to a page opened from a"
	" file; use one of the checks below.');\n"
	"  return;\n"
	"}\n"
	"input.addEventListener('change', function () {\n"
	"  out.textContent = '';\n"
	"  Array.prototype.forEach.call(input.files, check);\n"
	"});\n"
	"})();\n";

void
report_html_script_hash(char *out, size_t size)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)report_html_script,
	    sizeof(report_html_script) - 1);
	snprintf(out, size, "sha256-");
	sodium_bin2base64(out + 7, size - 7, h, sizeof(h),
	    sodium_base64_VARIANT_ORIGINAL);
}
