// Setting up a site in the browser, as the owner: create it with a time-of-use tariff, change
// it to 24 hourly prices, add a miner on its page, edit and remove the miner, make and revoke a
// collector key, and delete the site by typing its name. Must run after sites.spec.mjs, which reads the e2e site as the only
// one: Playwright runs files in name order, and "sitesetup" sorts after "sites.spec" under any
// collation ("sites_setup" sorts before it). It leaves nothing behind.
import { test, expect } from '@playwright/test';
import { keepScreenshot, waitForHydration } from './helpers.mjs';

test('the owner sets up a site and its miner in the browser, and removes both', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const name = `Setup ${testInfo.project.name}`;
  await page.goto('/sites');
  await waitForHydration(page);
  await page.locator('#sites-setup').click();
  await expect(page).toHaveURL(/\/sites\/setup$/);
  await waitForHydration(page);

  // A refused form says why, in words, and stores nothing.
  await page.locator('#site-name').fill(name);
  await page.locator('#site-capacity').fill('12000');
  await page.locator('#site-save').click();
  await expect(page.locator('#site-form .form-error')).toContainText('Capacity must be a number of megawatts');
  await expect(page.locator(`#setup-sites tr[data-site="${name}"]`)).toHaveCount(0);

  // Only the chosen tariff's fields show.
  await page.locator('#site-capacity').fill('4.5');
  await page.locator('#site-location').fill('Ekibastuz');
  await expect(page.locator('#site-peak-price')).toBeHidden();
  await page.locator('#site-tariff-kind').selectOption('time_of_use');
  await expect(page.locator('#site-flat-price')).toBeHidden();
  await page.locator('#site-peak-price').fill('0.09');
  await page.locator('#site-offpeak-price').fill('0.04');
  await page.locator('#site-peak-start').fill('18');
  await page.locator('#site-peak-end').fill('2');
  await page.locator('#site-save').click();
  const row = page.locator(`#setup-sites tr[data-site="${name}"]`);
  await expect(row.locator('.site-tariff')).toHaveText('0.09 USD/kWh 18:00–02:00, else 0.04');
  await expect(page.locator('#site-name')).toHaveValue('');

  // Editing fills the form with the stored site; 24 hourly prices replace the peak window.
  await row.locator('.site-edit').click();
  await expect(page.locator('#site-name')).toHaveValue(name);
  await expect(page.locator('#site-tariff-kind')).toHaveValue('time_of_use');
  await page.locator('#site-tariff-kind').selectOption('hourly');
  await page.locator('#site-hourly-prices').fill(Array.from({ length: 24 }, (_, h) => (h < 8 ? '0.03' : '0.06')).join(' '));
  await page.locator('#site-save').click();
  await expect(row.locator('.site-tariff')).toHaveText('Hourly, 0.03–0.06 USD/kWh');
  await keepScreenshot(page, testInfo, 'sites-setup');

  // The site's page: add a miner, which starts as a draft.
  await row.locator('th a').click();
  await waitForHydration(page);
  await expect(page.locator('#site-name')).toHaveText(name);
  await page.locator('#add-miner-open').click();
  await page.locator('#miner-model').selectOption('Antminer S21');
  await page.locator('#miner-serial').fill(`SETUP-${testInfo.project.name}`);
  await page.locator('#miner-ip').fill('10.20.0.300');
  await page.locator('#miner-save').click();
  await expect(page.locator('#miner-form .form-error')).toContainText('Not an IPv4 address');
  await page.locator('#miner-ip').fill('10.20.0.3');
  await page.locator('#miner-rack').fill('B-07');
  await page.locator('#miner-save').click();
  await expect(page.locator('#miner-added')).toBeVisible();
  const miner = page.locator(`#miner-table tr[data-serial="SETUP-${testInfo.project.name}"]`);
  await expect(miner).toHaveCount(1);

  // Its own page: edit the rack, then remove it.
  await miner.locator('th a').click();
  await waitForHydration(page);
  await page.locator('#miner-edit-open').click();
  await expect(page.locator('#miner-rack')).toHaveValue('B-07');
  await expect(page.locator('#miner-model')).toHaveValue('Antminer S21');
  await page.locator('#miner-rack').fill('C-01');
  await page.locator('#miner-save').click();
  await expect(page.locator('#miner-updated')).toBeVisible();
  await expect(page.locator('#miner-record')).toContainText('C-01');
  await page.locator('#miner-edit-open').click();
  await page.locator('#miner-delete').click();
  await page.locator('#miner-confirm-delete').click();
  await expect(page).toHaveURL(/\/sites\?site=\d+$/);
  await expect(page.locator('#miners-none')).toBeVisible();

  // The site's collector keys: a key is shown once with the command that runs the collector,
  // listed by its fingerprint, and revoked.
  await page.goto('/sites/setup');
  await waitForHydration(page);
  await row.locator('.site-keys').click();
  const keys = page.locator('#collector-keys');
  await expect(keys.locator('h2')).toContainText(name);
  await expect(keys.locator('#collector-keys-none')).toBeVisible();
  await keys.locator('#collector-key-create').click();
  await expect(keys.locator('.form-error')).toContainText('Give the key a name of 1 to 80 characters');
  await keys.locator('#collector-key-label').fill('Farm box');
  await keys.locator('#collector-key-create').click();
  await expect(keys.locator('#collector-key-secret')).toHaveText(/^hsc_\S{20,}$/);
  const secret = await keys.locator('#collector-key-secret').textContent();
  const origin = new URL(page.url()).origin;
  await expect(keys.locator('#collector-key-command')).toHaveText(
    new RegExp(`^HASHINSIGHT_COLLECTOR_KEY=${secret} hashinsight collect --site \\d+ --server ${origin}$`),
  );
  const key = keys.locator('#collector-key-table tr[data-key="Farm box"]');
  await expect(key).toContainText('never');
  await expect(keys.locator('#collector-key-table')).not.toContainText(secret.slice(4));
  await keepScreenshot(page, testInfo, 'collector-keys');
  await key.locator('.collector-key-revoke').click();
  await expect(key).toContainText('revoked');
  await expect(key.locator('.collector-key-revoke')).toHaveCount(0);
  await keys.locator('#collector-keys-close').click();
  await expect(keys).toHaveCount(0);

  // Deleting the site takes its name typed exactly.
  await row.locator('.site-delete').click();
  await row.locator('.site-confirm-name').fill('not the name');
  await row.locator('.site-confirm-delete').click();
  await expect(row.locator('.form-error')).toContainText('not the site');
  await row.locator('.site-confirm-name').fill(name);
  await row.locator('.site-confirm-delete').click();
  await expect(row).toHaveCount(0);
});

test('the setup page reads in Chinese', async ({ page, baseURL }) => {
  await page.context().addCookies([{ name: 'lang', value: 'zh', url: baseURL }]);
  await page.goto('/sites/setup');
  await expect(page.locator('h1')).toHaveText('矿场设置');
  await expect(page.locator('#customers-title')).toHaveText('托管客户');
});
