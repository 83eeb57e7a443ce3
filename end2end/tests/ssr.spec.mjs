// With JavaScript off, every page must still be complete: it is rendered on the server.
import { test, expect } from '@playwright/test';
import { keepScreenshot } from './helpers.mjs';

test.use({ javaScriptEnabled: false });

test('the home page renders on the server without JavaScript', async ({ page }, testInfo) => {
  const response = await page.goto('/');
  expect(response.status()).toBe(200);
  await expect(page.locator('h1')).toHaveText('Open, self-hostable management for Bitcoin mining farms');
  await expect(page).toHaveTitle('HashInsight');
  // The estimate is computed during server rendering with the same engine as the browser:
  // 200 TH/s at difficulty 1.5e14 and 3.125 BTC per block.
  const expected = (200e12 * 86400 * 3.125) / (1.5e14 * 2 ** 32);
  await expect(page.locator('#estimate-daily-btc')).toHaveText(expected.toFixed(8));
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  await keepScreenshot(page, testInfo, 'home-no-js');
});

test('the catalogue is readable without JavaScript', async ({ page }, testInfo) => {
  await page.goto('/catalogue');
  const rows = page.locator('#catalogue-table tbody tr');
  await expect(rows).toHaveCount(37);
  await expect(page.locator('#catalogue-count')).toHaveText('37 models');
  // Best efficiency first: the S21 XP Hyd at 12.00 J/TH.
  await expect(rows.first().locator('th')).toHaveText('Antminer S21 XP Hyd');
  await expect(rows.first().locator('td').nth(3)).toHaveText('12.00');
  await keepScreenshot(page, testInfo, 'catalogue-no-js');
});

test('an unknown address answers 404 with a page that leads home', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response.status()).toBe(404);
  await expect(page.locator('#not-found h1')).toHaveText('Page not found');
  await expect(page.locator('#not-found a')).toHaveAttribute('href', '/');
});

test('a first visit follows Accept-Language', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
  await expect(page.locator('h1')).toHaveText('开源、可自托管的比特币矿场管理平台');
  await context.close();
});

test('the network page shows the dated snapshot offline, with the next adjustment and halving', async ({ page }, testInfo) => {
  // scripts/e2e.sh runs the server with market refresh off, so the shipped snapshot is shown.
  await page.goto('/network');
  await expect(page.locator('#market-offline')).toContainText('snapshot of 2026-11-25');
  await expect(page.locator('#net-height')).toHaveText('976600');
  await expect(page.locator('#net-difficulty')).toHaveText('149.30 T');
  await expect(page.locator('#net-halving-height')).toHaveText('1050000');
  await expect(page.locator('#net-halving-blocks')).toHaveText('73400');
  await expect(page.locator('#net-subsidy')).toHaveText('3.125');
  await expect(page.locator('#net-fear-greed')).toHaveText('24 (extreme fear)');
  await expect(page.locator('#net-retarget-height')).toHaveText('977760');
  await expect(page.locator('#net-price + small')).toHaveText('snapshot of 2026-11-25');
  await keepScreenshot(page, testInfo, 'network-offline');
});

test('the network history filled by `market backfill` is readable without JavaScript', async ({ page }) => {
  // scripts/e2e.sh backfills 2026-11-15 … 2026-11-24 before starting the server.
  await page.goto('/network');
  const rows = page.locator('#history-table tbody tr');
  await expect(rows).toHaveCount(10);
  await expect(rows.first().locator('th')).toHaveText('2026-11-24');
  await expect(rows.last().locator('th')).toHaveText('2026-11-15');
});
