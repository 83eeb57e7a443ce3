// Attacks of issue #19 that a browser makes, kept closed: a sign-in link whose `next` hides a
// second host behind a TAB, and an API key trying to link a wallet to the account it belongs to.
import { test, expect } from '@playwright/test';
import { OWNER, OWNER_STATE, injectWallet, keepScreenshot, waitForHydration } from './helpers.mjs';

// Hardhat/Anvil test account #2: a publicly known key that never holds funds (accounts.spec
// uses #0 for its own wallet account).
const OWNER_WALLET_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const OWNER_WALLET = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

test('a sign-in without JavaScript never leaves the site, whatever next says', async ({ browser }) => {
  const context = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    javaScriptEnabled: false,
  });
  const page = await context.newPage();
  for (const next of ['/\t/evil.example', '/\\evil.example', '//evil.example']) {
    await page.goto(`/auth/login?next=${encodeURIComponent(next)}`);
    await page.locator('#login-form').getByLabel('E-mail address').fill(OWNER.email);
    await page.locator('#login-form').getByLabel('Password').fill(OWNER.password);
    await page.locator('#login-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/api/'));
    const landed = new URL(page.url());
    expect(landed.host, next).toBe(new URL(test.info().project.use.baseURL || 'http://127.0.0.1:3000').host);
    expect(landed.pathname, next).toBe('/account');
  }
  await context.close();
});

test('an API key cannot link a wallet; the session links, lists and unlinks it', async ({ browser }, testInfo) => {
  const context = await browser.newContext({ storageState: OWNER_STATE });
  await injectWallet(context, OWNER_WALLET_KEY);
  const page = await context.newPage();
  await page.goto('/account');
  await waitForHydration(page);

  // A guest-role key of the owner's, made on this page.
  const form = page.locator('#key-form');
  await form.getByLabel('Name').fill(`attack ${testInfo.project.name}`);
  await form.locator('select[name="role"]').selectOption('guest');
  await page.locator('#key-create').click();
  const secret = (await page.locator('#key-secret').textContent()).trim();
  const asKey = { Authorization: `Bearer ${secret}` };
  const refused = await page.request.post('/api/wallet_challenge', {
    headers: asKey,
    form: { address: OWNER_WALLET, chain_id: '1', link: 'true' },
  });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe('session_required');
  expect((await page.request.post('/api/list_wallets', { headers: asKey })).status()).toBe(403);

  // The browser session links the wallet, sees it, and unlinks it.
  await page.locator('#wallet-link[data-ready="true"]').click();
  await expect(page.locator('#wallet-linked')).toBeVisible();
  const wallet = page.locator(`#account-wallets li[data-address="${OWNER_WALLET}"]`);
  await expect(wallet).toContainText(OWNER_WALLET);
  await keepScreenshot(page, testInfo, 'account-wallets');
  await wallet.getByRole('button', { name: 'Unlink' }).click();
  await expect(wallet).toHaveCount(0);
  await expect(page.locator('#account-no-wallet')).toBeVisible();

  // The key is revoked again, so the next run starts from the same page.
  const row = page.locator('#key-table tr', { hasText: `attack ${testInfo.project.name}` });
  await row.getByRole('button', { name: 'Revoke' }).first().click();
  await expect(row.first()).toContainText('revoked');
  await context.close();
});
