// The calculator: server-rendered from the URL, recomputed in the browser on every input.
import { test, expect } from '@playwright/test';
import { writeFileSync, mkdirSync } from 'node:fs';
import { keepScreenshot, waitForHydration } from './helpers.mjs';

const S19 =
  '/calculator?model=Antminer%20S19%20Pro&electricity_usd_kwh=0.05&btc_price_usd=80000' +
  '&difficulty=119.12e12&fees_per_block_btc=0';
// 110 TH/s · 86400 · 3.125 / (119.12e12 · 2^32), net of the 2.5 % pool fee.
const S19_DAILY_BTC = ((110e12 * 86400 * 3.125) / (119.12e12 * 2 ** 32)) * 0.975;

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a link reproduces the scenario, fully rendered on the server', async ({ page }, testInfo) => {
    await page.goto(S19);
    await expect(page.locator('#out-daily-btc')).toHaveText(S19_DAILY_BTC.toFixed(8));
    await expect(page.locator('#out-daily-electricity')).toHaveText('3.90');
    await expect(page.locator('#field-electricity_usd_kwh')).toHaveValue('0.05');
    // 21 × 21: odd, so the middle cell is the scenario itself.
    await expect(page.locator('#heatmap tbody tr')).toHaveCount(21);
    await expect(page.locator('#heatmap tbody tr').first().locator('td')).toHaveCount(21);
    await expect(page.locator('#compare-table tbody tr')).toHaveCount(37);
    await expect(page.locator('#scenarios-table tbody tr')).toHaveCount(3);
    await keepScreenshot(page, testInfo, 'calculator-no-js');
  });
});

test('inputs recompute in the browser and the address follows them', async ({ page }, testInfo) => {
  await page.goto(S19);
  await waitForHydration(page);
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));

  await page.locator('#field-electricity_usd_kwh').fill('0.08');
  // 3.25 kW × 24 h × 0.08 USD/kWh
  await expect(page.locator('#out-daily-electricity')).toHaveText('6.24');
  await expect(page).toHaveURL(/electricity_usd_kwh=0\.08/);
  // Nothing goes to the server: no server function, no page load (the browser may re-read
  // the favicon when the address changes).
  expect(requests.filter((url) => !url.endsWith('/favicon.svg'))).toEqual([]);

  await page.locator('#field-investment_usd').fill('100000000');
  await expect(page.locator('#out-payback')).toHaveText('Not within 36 months');

  await page.locator('#field-difficulty').fill('-1');
  await expect(page.locator('#calc-errors li')).toHaveText(['Network difficulty: must be greater than zero']);
  await expect(page.locator('#out-daily-btc')).toHaveText('—');
  await keepScreenshot(page, testInfo, 'calculator-error');
});

test('the comparison table sorts by efficiency, profit and payback', async ({ page }) => {
  await page.goto(S19);
  await waitForHydration(page);
  const firstModel = page.locator('#compare-table tbody tr').first().locator('th');
  await page.locator('#sort-efficiency').click();
  await expect(firstModel).toHaveText('Antminer S21 XP Hyd');
  await page.locator('#sort-profit').click();
  // The largest machine earns the most per day at these inputs.
  await expect(firstModel).toHaveText('Antminer S21e XP Hyd 3U');
  await page.locator('#sort-payback').click();
  const payback = await page.locator('#compare-table tbody tr').first().locator('td').nth(3).textContent();
  expect(Number(payback)).toBeGreaterThan(0);
});

test('the 21×21 heatmap over 36 months recomputes in WASM, timed with performance.now()', async ({ page }, testInfo) => {
  await page.goto(S19);
  await waitForHydration(page);
  const timings = [];
  for (const price of ['81000', '82000', '83000', '84000', '85000']) {
    await page.locator('#field-btc_price_usd').fill(price);
    await expect(page.locator('#heatmap tbody tr').first().locator('th')).toHaveText(
      (Number(price) * 0.5).toFixed(0),
    );
    timings.push(Number(await page.locator('#heatmap').getAttribute('data-compute-ms')));
  }
  // performance.now() is coarsened to 0.1 ms without cross-origin isolation, so a fast
  // recompute reads as 0.
  expect(timings.every((ms) => Number.isFinite(ms) && ms >= 0)).toBe(true);
  // A figure for docs/performance.md, not a pass/fail threshold.
  mkdirSync('artifacts', { recursive: true });
  const sorted = [...timings].sort((a, b) => a - b);
  writeFileSync(
    `artifacts/${testInfo.project.name}-heatmap-ms.json`,
    JSON.stringify({ cells: 441, months: 36, timings_ms: timings, median_ms: sorted[2] }),
  );
  console.log(`heatmap 21×21 × 36 months in WASM (${testInfo.project.name}): median ${sorted[2]} ms`);
});

test('offline, the inputs start from the dated market snapshot, labelled, and can go back to it', async ({ page }, testInfo) => {
  // scripts/e2e.sh runs the server with market refresh off: the shipped snapshot is all it has.
  await page.goto('/calculator');
  await expect(page.locator('#market-offline')).toContainText('snapshot of 2026-11-25');
  await expect(page.locator('#field-btc_price_usd')).toHaveValue('90412');
  await expect(page.locator('#field-difficulty')).toHaveValue('1.4930e14');
  await expect(page.locator('#market-btc_price_usd')).toHaveText('snapshot of 2026-11-25');
  await waitForHydration(page);
  await page.locator('#field-btc_price_usd').fill('70000');
  const useMarket = page.locator('#market-btc_price_usd button');
  await expect(useMarket).toHaveText('use market value');
  await useMarket.click();
  await expect(page.locator('#field-btc_price_usd')).toHaveValue('90412');
  await expect(useMarket).toHaveCount(0);
  // The link carries the market values, so it reproduces the scenario after they move.
  await expect(page).toHaveURL(/btc_price_usd=90412/);
  await keepScreenshot(page, testInfo, 'calculator-snapshot');
});

test('the charts are drawn by ECharts from the charming options and follow the inputs', async ({ page }, testInfo) => {
  await page.goto(S19);
  await waitForHydration(page);
  for (const id of ['echart-cumulative', 'echart-monthly', 'echart-heatmap']) {
    await expect(page.locator(`#${id} canvas`)).toHaveCount(1);
  }
  // The server's SVG stays in the page for readers without JavaScript, hidden once drawn.
  await expect(page.locator('#chart-cumulative .echart-fallback')).toBeHidden();
  const option = (id) =>
    page.evaluate((id) => {
      const chart = window.echarts.getInstanceByDom(document.getElementById(id));
      const o = chart.getOption();
      return { months: o.xAxis[0].data.length, first: o.series[0].data[0], cells: o.series[0].data.length };
    }, id);
  expect((await option('echart-cumulative')).months).toBe(36);
  expect((await option('echart-heatmap')).cells).toBe(441);
  await page.locator('#field-months').fill('48');
  await expect.poll(async () => (await option('echart-cumulative')).months).toBe(48);
  await expect.poll(async () => (await option('echart-monthly')).months).toBe(48);
  await keepScreenshot(page, testInfo, 'calculator-echarts');
});

test('a link that sets the market values shows no snapshot notice', async ({ page }) => {
  await page.goto(S19);
  await expect(page.locator('#field-btc_price_usd')).toHaveValue('80000');
  await expect(page.locator('#market-offline')).toHaveCount(0);
  // The origin of the market value stays one click away.
  await expect(page.locator('#market-btc_price_usd')).toContainText('snapshot of 2026-11-25');
});
