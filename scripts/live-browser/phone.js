const { chromium } = require('playwright-core');
const http = require('http');
const [base, code, token, out] = process.argv.slice(2);
function post(path) { return new Promise((ok) => { const r = http.request(base + path, { method: 'POST' }, (res) => { res.resume(); res.on('end', ok); }); r.end(); }); }
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await page.goto(base + '/');
  await page.screenshot({ path: out + '/1-join.png' });
  await page.fill('#code', code);
  await page.fill('#name', 'Ada');
  await page.click('form button');
  await page.waitForSelector('#play:not([hidden])');
  await post('/api/teacher/next?t=' + token);
  await page.waitForSelector('button.option');
  await page.click('button.option >> nth=0');
  await page.screenshot({ path: out + '/2-question.png' });
  await page.click('#send');
  await page.waitForFunction(() => document.getElementById('result').textContent.indexOf('sent') >= 0);
  await post('/api/teacher/reveal?t=' + token);
  await page.waitForSelector('dl.why');
  await page.screenshot({ path: out + '/3-revealed.png', fullPage: true });
  const verdict = await page.textContent('#result p');
  console.log('verdict:', verdict);
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
