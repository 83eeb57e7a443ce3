// The hosting sites page on the site the e2e script set up: four imported miners, three of them
// simulated Antminers read once by the real collector. The projects start signed in as the owner.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { test, expect } from '@playwright/test';
import { OWNER, keepScreenshot, waitForHydration } from './helpers.mjs';

// The site is set up once from the shell, and a fresh collection cycle runs before the
// readings are checked: the real standalone collector reads the simulated miners with asic-rs
// and uploads through the ingest API.
test.beforeAll(() => {
  test.setTimeout(60_000);
  const server = process.env.BASE_URL || 'http://127.0.0.1:3000';
  execFileSync('bash', ['../scripts/e2e-site.sh', server, OWNER.email], { stdio: 'inherit', timeout: 60_000 });
});

test('the owner sees the site live and pages, sorts and filters its miners on the server', async ({ page }, testInfo) => {
  await page.goto('/sites');
  await waitForHydration(page);
  await expect(page.locator('#site-name')).toHaveText('Rockdale');
  await expect(page.locator('#site-cards li')).toHaveCount(1);
  await expect(page.locator('#fig-total')).toHaveText('4');
  await expect(page.locator('#fig-online')).toHaveText('3');
  await expect(page.locator('#fig-never')).toHaveText('1');
  // Three stock S19 Pro at about 110 TH/s each.
  await expect(page.locator('#fig-hashrate')).toContainText('TH/s');
  await expect(page.locator('#miners-total')).toHaveText('4 miners');
  await expect(page.locator('#miner-table tbody tr')).toHaveCount(4);
  await expect(page.locator('tr[data-serial="E2E-0004"] .state')).toHaveText('Never seen');
  await expect(page.locator('tr[data-serial="E2E-0001"] .state')).toHaveText('Online');
  await keepScreenshot(page, testInfo, 'sites');

  // Sorting by hashrate, highest first: the miner that never answered goes last.
  await page.locator('th[data-sort="hashrate"] a').click();
  await expect(page).toHaveURL(/sort=hashrate&desc=0/);
  // The table shows the new order (and its links) once the server has answered.
  await expect(page.locator('th[data-sort="hashrate"]')).toHaveAttribute('aria-sort', 'ascending');
  await page.locator('th[data-sort="hashrate"] a').click();
  await expect(page).toHaveURL(/sort=hashrate&desc=1/);
  await expect(page.locator('th[data-sort="hashrate"]')).toHaveAttribute('aria-sort', 'descending');
  await expect(page.locator('#miner-table tbody tr').last()).toHaveAttribute('data-serial', 'E2E-0004');

  // Only the offline ones, then a search: the server answers each.
  await page.locator('#miner-online').selectOption('0');
  await page.locator('#miner-filter button[type="submit"]').click();
  await expect(page).toHaveURL(/online=0/);
  await expect(page.locator('#miner-table tbody tr')).toHaveCount(1);
  await page.goto('/sites?site=1&q=E2E-0002');
  await expect(page.locator('#miner-table tbody tr')).toHaveCount(1);
  await expect(page.locator('#miner-table tbody tr')).toHaveAttribute('data-serial', 'E2E-0002');
  await page.goto('/sites?site=1&q=nothing-like-this');
  await expect(page.locator('#miners-none')).toBeVisible();
});

test('an overheating miner raises a critical alert that staff acknowledge', async ({ page }, testInfo) => {
  await page.goto('/sites');
  await waitForHydration(page);
  const row = page.locator('#alerts-table tr[data-kind="temperature"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('E2E-0002');
  await expect(row).toContainText('Critical');
  await expect(page.locator('#site-cards [data-open-alerts]')).toHaveText('Alerts: 1');
  await expect(page.locator('#fig-alerts')).toHaveText('1');
  // Acknowledged once, on the first project that gets here; the other sees who did.
  const button = row.locator('button[data-action="acknowledge"]');
  if (await button.count()) {
    await button.click();
  }
  await expect(row.locator('[data-acked]')).toContainText(OWNER.email);
  await expect(button).toHaveCount(0);
  await keepScreenshot(page, testInfo, 'sites-alerts');
});

test('the miner page shows its reading, charts over each period and its alerts', async ({ page }, testInfo) => {
  await page.goto('/sites?site=1');
  await waitForHydration(page);
  await page.locator('tr[data-serial="E2E-0002"] th a').click();
  await expect(page).toHaveURL(/\/sites\/miners\/\d+$/);
  await waitForHydration(page);
  await expect(page.locator('#miner-serial')).toHaveText('E2E-0002');
  await expect(page.locator('#miner-state')).toHaveText('Online');
  await expect(page.locator('#miner-boards')).toHaveText('3 / 3');
  await expect(page.locator('#miner-temp')).toContainText('°C');
  await expect(page.locator('#miner-alerts-table tr[data-kind="temperature"][data-open="1"]')).toHaveCount(1);
  // The last hour is read raw, so this run's readings are in it (24 h reads closed 5-minute
  // rollups); the server's SVG is there (ECharts drawing over it is not yet checked here).
  await page.locator('#miner-range a[data-range="1h"]').click();
  await expect(page).toHaveURL(/range=1h/);
  await expect(page.locator('#miner-chart-hashrate svg polyline')).toHaveCount(1);
  // ECharts, once its deferred script has run, draws over the server's chart.
  await expect(page.locator('#echart-miner-hashrate canvas')).toHaveCount(1);
  await keepScreenshot(page, testInfo, 'miner');
});

test('the page reads the figures again as soon as the server says they changed', async ({ page }) => {
  const live = page.waitForRequest((request) => request.url().endsWith('/api/v1/live'));
  await page.goto('/sites?site=1');
  await waitForHydration(page);
  await live;
  // A marker on the window: a reload would lose it.
  await page.evaluate(() => { window.__stillHere = true; });
  const refetched = page.waitForRequest((request) => request.url().includes('/api/list_sites'), { timeout: 30_000 });
  // One more collection cycle; the page hears of it from the stream, well before the 60 s
  // timer it falls back to without one.
  const server = process.env.BASE_URL || 'http://127.0.0.1:3000';
  execFileSync('bash', ['../scripts/e2e-site.sh', server, OWNER.email], { stdio: 'inherit', timeout: 60_000 });
  await refetched;
  expect(await page.evaluate(() => window.__stillHere)).toBe(true);
  await expect(page.locator('#fig-online')).toHaveText('3');
});

test('reviewers tick miners and apply an approval step; a step the state refuses changes nothing', async ({ page }, testInfo) => {
  await page.goto('/sites?site=1');
  await waitForHydration(page);
  await expect(page.locator('#miner-review')).toBeVisible();
  const tick = page.locator('tr[data-serial="E2E-0001"] td.tick input');
  await tick.check();
  await expect(page.locator('#review-ticked')).toHaveText('1 selected');
  // A rejection without a reason is refused, in words, and the tick stays.
  await page.locator('#review-step').selectOption('rejected');
  await page.locator('#review-apply').click();
  await expect(page.locator('#review-outcome')).toContainText('A rejection needs a reason');
  await expect(tick).toBeChecked();
  // The miner is approved already: submitting it for approval leaves it where it is.
  await page.locator('#review-step').selectOption('pending');
  await page.locator('#review-apply').click();
  await expect(page.locator('#review-outcome [data-moved="0"][data-refused="1"]')).toBeVisible();
  await expect(page.locator('#review-ticked')).toHaveText('0 selected');
  await expect(tick).not.toBeChecked();
  await expect(page.locator('tr[data-serial="E2E-0001"] [data-approval]')).toHaveCount(0);
  await keepScreenshot(page, testInfo, 'sites-review');
  // The approval filter: nothing waits for review on this site.
  await page.goto('/sites?site=1&approval=pending');
  await expect(page.locator('#miners-none')).toBeVisible();
});

test('the inventory goes out as CSV and comes back with a report of every refused row', async ({ page }, testInfo) => {
  await page.goto('/sites?site=1');
  await waitForHydration(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#inventory-export').click(),
  ]);
  expect(download.suggestedFilename()).toBe('hashinsight-site-1-miners.csv');
  const exported = fs.readFileSync(await download.path(), 'utf8');
  const lines = exported.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  expect(lines[0]).toBe('model,serial,ip,mac,rack,customer,status');
  expect(lines).toHaveLength(5);
  expect(exported).toContain('E2E-0001');

  // Nothing chosen yet: said in words, nothing sent.
  await page.locator('#inventory-import-start').click();
  await expect(page.locator('#inventory-outcome')).toContainText('Choose a file');

  // The same file back with one bad row: the four miners are there already, the bad IP is
  // named by row and column, and the table is unchanged.
  const file = `${exported.trimEnd()}\r\nAntminer S19 Pro,E2E-BAD,10.0.0.300,,,,\r\n`;
  await page.locator('#inventory-file').setInputFiles({ name: 'miners.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
  await page.locator('#inventory-import-start').click();
  const report = page.locator('#inventory-report');
  await expect(report).toHaveAttribute('data-imported', '0');
  await expect(report).toHaveAttribute('data-refused', '5');
  await expect(report).toHaveText('0 of 5 rows imported as drafts; 5 rows left out.');
  await expect(page.locator('#inventory-problems tr[data-reason="invalid_ip"]')).toHaveAttribute('data-row', '6');
  await expect(page.locator('#inventory-problems tr[data-reason="invalid_ip"]')).toContainText('Not an IPv4 address');
  await expect(page.locator('#inventory-problems tr[data-reason="already_stored"]')).toHaveCount(4);
  await expect(page.locator('#inventory-problems-download')).toHaveAttribute('href', /^data:text\/csv/);
  await expect(page.locator('#miners-total')).toHaveText('4 miners');
  await keepScreenshot(page, testInfo, 'sites-import');

  // A header without the IP column refuses the whole file, and says which column is missing.
  await page.locator('#inventory-file').setInputFiles({ name: 'short.csv', mimeType: 'text/csv', buffer: Buffer.from('model,serial\nAntminer S19 Pro,Z-1\n') });
  await page.locator('#inventory-import-start').click();
  await expect(page.locator('#inventory-outcome [data-refused="missing_columns"]')).toContainText('IP');
  await expect(page.locator('#miners-total')).toHaveText('4 miners');
});

test('the page reads in Chinese', async ({ page, baseURL }) => {
  await page.context().addCookies([{ name: 'lang', value: 'zh', url: baseURL }]);
  await page.goto('/sites');
  await expect(page.locator('h1')).toHaveText('托管矿场');
  await expect(page.locator('#miners-total')).toHaveText('共 4 台矿机');
  await expect(page.locator('#alerts-title')).toHaveText('未处理告警');
  await expect(page.locator('#alerts-table tr[data-kind="temperature"]')).toContainText('温度过高');
});

test('a visitor is asked to sign in', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const response = await page.goto('/sites');
  expect(response.status()).toBe(401);
  await expect(page.locator('#miner-table')).toHaveCount(0);
  await context.close();
});
