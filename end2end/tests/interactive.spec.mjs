// After hydration the page reacts in the browser, with no round trip to the server.
import { test, expect } from '@playwright/test';
import { keepScreenshot, waitForHydration } from './helpers.mjs';

test('the quick estimate recomputes in the browser as the user types', async ({ page }, testInfo) => {
  await page.goto('/');
  await waitForHydration(page);
  const dailyBtc = page.locator('#estimate-daily-btc');
  const before = Number(await dailyBtc.textContent());
  expect(before).toBeGreaterThan(0);

  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.locator('#estimate-hashrate').fill('400');
  // Revenue is linear in hashrate: twice the hashrate, twice the BTC.
  await expect(dailyBtc).toHaveText((before * 2).toFixed(8));
  expect(requests).toEqual([]);

  await page.locator('#estimate-difficulty').fill('-3');
  await expect(page.locator('.field-error')).toHaveText('Enter a network difficulty above zero.');
  await expect(dailyBtc).toHaveText('—');
  await keepScreenshot(page, testInfo, 'estimate-error');
});

test('the language switch turns the page Chinese and back, and the choice persists', async ({ page }, testInfo) => {
  await page.goto('/');
  await waitForHydration(page);
  const heading = page.locator('h1');
  await expect(heading).toHaveText('Open, self-hostable management for Bitcoin mining farms');

  await page.locator('#language-switch').click();
  await expect(heading).toHaveText('开源、可自托管的比特币矿场管理平台');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
  await expect(page.locator('#quick-estimate h2')).toHaveText('快速估算');
  await keepScreenshot(page, testInfo, 'home-zh');

  // The cookie carries the choice to the server: the next page load renders in Chinese.
  await page.reload();
  await expect(heading).toHaveText('开源、可自托管的比特币矿场管理平台');
  await waitForHydration(page);

  await page.locator('#language-switch').click();
  await expect(heading).toHaveText('Open, self-hostable management for Bitcoin mining farms');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('the theme switch turns the page dark and the server remembers it', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('#theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(15, 18, 22)');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('client-side navigation reaches the catalogue', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.locator('.site-nav a[href="/catalogue"]').click();
  await expect(page).toHaveURL(/\/catalogue$/);
  await expect(page.locator('#catalogue-table tbody tr')).toHaveCount(37);
});

test('the network history is drawn by ECharts, a year of days on a dated axis', async ({ page }, testInfo) => {
  await page.goto('/network');
  await waitForHydration(page);
  for (const id of ['echart-history-price', 'echart-history-difficulty', 'echart-history-hashrate']) {
    await expect(page.locator(`#${id} canvas`)).toHaveCount(1);
  }
  const axis = await page.evaluate(() => {
    const chart = window.echarts.getInstanceByDom(document.getElementById('echart-history-price'));
    return chart.getOption().xAxis[0].data;
  });
  expect(axis).toHaveLength(10);
  expect(axis[0]).toBe('2026-11-15');
  await keepScreenshot(page, testInfo, 'network-history');
});
