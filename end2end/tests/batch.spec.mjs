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
