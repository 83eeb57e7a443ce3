// The batch calculator: rows computed in the browser, errors by row and column, CSV export.
import { test, expect } from '@playwright/test';
import { keepScreenshot, waitForHydration } from './helpers.mjs';

test('the example fleet is computed on the server without JavaScript', async ({ browser }, testInfo) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/batch');
  await expect(page.locator('#batch-table tbody tr')).toHaveCount(10);
  await expect(page.locator('#batch-miners')).toHaveText('79');
  await expect(page.locator('#batch-errors li')).toHaveCount(0);
  await keepScreenshot(page, testInfo, 'batch-no-js');
  await context.close();
});

test('bad cells are reported by row and column and the good rows still compute', async ({ page }, testInfo) => {
  await page.goto('/batch');
  await waitForHydration(page);
  const csv = [
    'model,quantity,hashrate_ths,power_w,price_usd,electricity_usd_kwh',
    'Antminer S19 Pro,2,110,3250,2500,0.05',
    'Antminer S19 Pro,abc,110,3250,2500,0.05',
    'Antminer Z99,1,,,,0.05',
    'Antminer S21,3,,,3200,0.06',
  ].join('\n');
  await page.locator('#batch-csv').fill(csv);
  await expect(page.locator('#batch-errors li')).toHaveText([
    'Row 3, column quantity: is not a number',
    'Row 4, column model: is not in the catalogue',
  ]);
  await expect(page.locator('#batch-table tbody tr')).toHaveCount(2);
  await expect(page.locator('#batch-miners')).toHaveText('5');
  // S21 filled from the catalogue: 2 × 110 + 3 × 200 TH/s.
  await expect(page.locator('#batch-hashrate')).toHaveText('820.0');
  const href = await page.locator('#batch-export').getAttribute('href');
  expect(decodeURIComponent(href)).toContain('Antminer S21');
  await keepScreenshot(page, testInfo, 'batch-errors');
});

test('a CSV file opened from the device replaces the rows', async ({ page }) => {
  await page.goto('/batch');
  await waitForHydration(page);
  await page.locator('#batch-file').setInputFiles({
    name: 'fleet.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('型号,数量\nAntminer S21 XP,4\n'),
  });
  await expect(page.locator('#batch-table tbody tr')).toHaveCount(1);
  await expect(page.locator('#batch-miners')).toHaveText('4');
});

test('5,000 rows compute in WASM, timed with performance.now()', async ({ page }, testInfo) => {
  await page.goto('/batch');
  await waitForHydration(page);
  const machines = [
    ['Antminer S19 Pro', 110, 3250, 2500],
    ['Antminer S21', 200, 3550, 3200],
    ['Whatsminer M50S', 126, 3276, 2200],
    ['Antminer T19', 84, 3150, 1800],
  ];
  const lines = ['model,quantity,hashrate_ths,power_w,price_usd,electricity_usd_kwh,decay_pct_month'];
  for (let i = 0; i < 5000; i++) {
    const [model, ths, w, price] = machines[i % machines.length];
    lines.push(`${model},${1 + (i % 7)},${ths},${w},${price},0.0${5 + (i % 4)},0.${i % 6}`);
  }
  // Set the text in one step (typing 300 KB through the keyboard path is the browser's cost,
  // not ours), then let the page react to the input event as it would to a paste.
  const started = Date.now();
  await page.locator('#batch-csv').evaluate((area, text) => {
    area.value = text;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, lines.join('\n'));
  await expect(page.locator('#batch-rows-shown')).toHaveText(
    'Showing the first 500 of 5000 rows; the summary and the export cover all of them.',
  );
  await expect(page.locator('#batch-table tbody tr')).toHaveCount(500);
  const ms = Number(await page.locator('#batch-inputs').getAttribute('data-compute-ms'));
  expect(Number.isFinite(ms) && ms >= 0).toBe(true);
  // A figure for docs/performance.md, not a pass/fail threshold.
  console.log(
    `batch 5,000 rows in WASM (${testInfo.project.name}): compute ${ms} ms, ` +
      `input to rendered table ${Date.now() - started} ms`,
  );
});
