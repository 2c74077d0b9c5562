// decide.cjs REPORT.html OUT_DIR [WANT.json] - the report's decision buttons in headless
// Chromium (playwright-core driving Debian's chromium): with JavaScript on,
// each comment has Publish and Reject buttons; a click marks the comment, a
// second click on the pressed button clears it, the counter follows;
// "Export decisions" downloads JSON Lines; the console stays silent (no CSP
// violation, no request but file: and blob:); with JavaScript off there are
// no buttons and every comment is shown. Decides each comment as WANT.json
// ({"id": "published" | "rejected"}) says, or else rejects what the report
// rejects or holds for review and publishes the others. Writes
// OUT_DIR/decisions.jsonl and OUT_DIR/decide.png; exits 1 on a failed check.
const { chromium } = require('playwright-core');
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

const [report, out, wantFile] = process.argv.slice(2);
const wanted = wantFile ? JSON.parse(fs.readFileSync(wantFile, 'utf8')) : null;
const url = 'file://' + path.resolve(report);
const fails = [];
function check(ok, what) {
  if (!ok) fails.push(what);
  console.log((ok ? 'ok: ' : 'FAIL: ') + what);
}
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
function launch(js) {
  return chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'decide-')), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    acceptDownloads: true, javaScriptEnabled: js, args,
  });
}

async function withScript() {
  const ctx = await launch(true);
  try {
    const page = await ctx.newPage();
    const noise = [];
    page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') noise.push(m.text()); });
    page.on('pageerror', e => noise.push(String(e)));
    page.on('request', r => { if (!/^(file|blob):/.test(r.url())) noise.push('request ' + r.url()); });
    await page.goto(url);
    const items = page.locator('li.comment');
    const n = await items.count();
    check(n >= 2, `${n} comments`);
    check(await page.locator('li.comment .decide button').count() === 2 * n,
      'a Publish and a Reject button on every comment');
    check(await page.locator('#export-decisions').isDisabled(), 'nothing to export before a decision');
    const seen = await items.evaluateAll(ls => ls.map(l => [l.dataset.id, l.dataset.action]));
    const want = seen.map(([id, a]) => (wanted ? wanted[id]
      : a === 'publish' ? 'published' : 'rejected'));
    for (let i = 0; i < n; i++)
      await items.nth(i).locator(`button[data-decision=${want[i]}]`).click();
    const first = items.nth(0), pressed = first.locator(`button[data-decision=${want[0]}]`);
    check(await pressed.getAttribute('aria-pressed') === 'true', 'the clicked button is pressed');
    await pressed.click();
    check(await first.getAttribute('data-decision') === null, 'a second click clears the decision');
    check((await page.locator('#decided').textContent()).startsWith(`${n - 1} of ${n} decided`),
      'the counter follows');
    await pressed.click();
    const counted = await page.locator('#decided').textContent();
    check(counted.startsWith(`${n} of ${n} decided`), `counter: ${counted}`);
    await page.screenshot({ path: path.join(out, 'decide.png') });
    const [dl] = await Promise.all([page.waitForEvent('download'),
      page.locator('#export-decisions').click()]);
    check(dl.suggestedFilename() === 'decisions.jsonl', `download named ${dl.suggestedFilename()}`);
    await dl.saveAs(path.join(out, 'decisions.jsonl'));
    check(noise.length === 0, `console silent: ${noise.join(' | ')}`);
    return n;
  } finally {
    await ctx.close();
  }
}

async function withoutScript(n) {
  const ctx = await launch(false);
  try {
    const page = await ctx.newPage();
    await page.goto(url);
    check(await page.locator('li.comment').count() === n, 'without JavaScript: every comment shown');
    check(await page.locator('.decide, #export-decisions').count() === 0,
      'without JavaScript: no buttons');
  } finally {
    await ctx.close();
  }
}

(async () => {
  try {
    await withoutScript(await withScript());
  } catch (e) {
    check(false, String(e));
  }
  process.exit(fails.length ? 1 : 0);
})();
