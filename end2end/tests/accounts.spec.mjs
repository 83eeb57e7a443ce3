// Accounts in the browser: signing up, signing in and out, being refused a page above one's
// role, administration by the owner, and MetaMask sign-in through an injected EIP-1193
// provider that signs with a known test key using ethers in the page.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { OWNER, injectWallet, keepScreenshot, waitForHydration } from './helpers.mjs';

// Hardhat/Anvil test account #0: a publicly known key that never holds funds.
const WALLET_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const WALLET_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const PASSWORD = 'a long e2e password';

/** A browser context with nobody signed in. */
async function visitor(browser) {
  return browser.newContext({ storageState: { cookies: [], origins: [] } });
}

async function signUp(page, email, name) {
  await page.goto('/auth/register');
  await waitForHydration(page);
  const form = page.locator('#register-form');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('E-mail address').fill(email);
  await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await form.getByLabel('Password again').fill(PASSWORD);
  await page.locator('#register-submit').click();
  await expect(page).toHaveURL(/\/account$/);
}

test('a visitor signs up as a guest, is refused pages above that role, signs out and in again', async ({ browser }, testInfo) => {
  const context = await visitor(browser);
  const page = await context.newPage();
  const email = `guest-${testInfo.project.name}-${Date.now()}@example.com`;
  await signUp(page, email, 'Gao Guest');
  await expect(page.locator('#account-role')).toHaveText('Guest');
  await expect(page.locator('#unverified')).toBeVisible();
  await expect(page.locator('#nav-account')).toHaveText('Gao Guest');

  // Above the guest role: the batch calculator (clients and up) and user administration.
  await page.goto('/batch');
  await expect(page.locator('#refusal')).toContainText('Your role does not give access to this.');
  const refused = await page.goto('/admin/users');
  expect(refused.status()).toBe(403);
  await expect(page.locator('#refusal')).toBeVisible();
  await expect(page.locator('#nav-users')).toHaveCount(0);
  // The server refuses the call itself, whatever the page shows.
  const call = await page.request.post('/api/list_users', { form: { search: '', page: '0' } });
  expect(call.status()).toBe(403);
  await keepScreenshot(page, testInfo, 'guest-refused');

  await waitForHydration(page);
  await page.locator('#sign-out').click();
  await expect(page.locator('#nav-sign-in')).toBeVisible();
  expect((await page.request.post('/api/who_am_i')).ok()).toBe(true);
  expect(await (await page.request.post('/api/who_am_i')).json()).toBeNull();

  // Wrong password: one translated message, and nothing else changes.
  await page.goto('/auth/login');
  await waitForHydration(page);
  await page.locator('#login-form').getByLabel('E-mail address').fill(email);
  await page.locator('#login-form').getByLabel('Password').fill('not my password');
  await page.locator('#login-submit').click();
  await expect(page.locator('#login-form .form-error')).toHaveText('The e-mail address or the password is wrong.');
  await page.locator('#login-form').getByLabel('Password').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('#nav-account')).toHaveText('Gao Guest');
  await context.close();
});

test('a visitor sent to sign in comes back to the page they wanted', async ({ browser }) => {
  const context = await visitor(browser);
  const page = await context.newPage();
  const response = await page.goto('/network');
  expect(response.status()).toBe(401);
  await expect(page.locator('#refusal')).toContainText('Sign in to open this.');
  await page.locator('#sign-in-to-continue').click();
  await expect(page).toHaveURL(/\/auth\/login\?next=%2Fnetwork/);
  await waitForHydration(page);
  await page.locator('#login-form').getByLabel('E-mail address').fill(OWNER.email);
  await page.locator('#login-form').getByLabel('Password').fill(OWNER.password);
  await page.locator('#login-submit').click();
  await expect(page).toHaveURL(/\/network$/);
  await expect(page.locator('#refusal')).toHaveCount(0);
  await context.close();
});

test('the owner gives a new user the client role, which opens the batch calculator to them', async ({ browser, page }, testInfo) => {
  const context = await visitor(browser);
  const user = await context.newPage();
  const email = `client-${testInfo.project.name}-${Date.now()}@example.com`;
  await signUp(user, email, 'Chen Client');

  await page.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  await waitForHydration(page);
  const row = page.locator(`#users-table tr[data-user="${email}"]`);
  await expect(row).toBeVisible();
  await row.locator('select[name="role"]').selectOption('client');
  await row.locator('[data-action="save-role"]').click();
  // Nobody has proved they read this address yet, so it gets no rights: whoever registered it
  // first would get them.
  await expect(page.locator('.form-error').first()).toContainText('has not confirmed its e-mail address');
  // Nothing changed: read back from the server, the account is still a guest.
  await page.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  await waitForHydration(page);
  await expect(row.locator('select[name="role"]')).toHaveValue('guest');

  // Without SMTP the confirmation waits in the outbox, without its link: the owner makes one
  // and passes it on; the person opens it.
  const mail = page.locator(`#outbox .mail[data-to="${email}"]`);
  await expect(mail).toContainText('Confirm the e-mail address');
  await expect(mail).not.toContainText('token=');
  await mail.getByRole('button', { name: 'Make a new link' }).click();
  const handed = page.locator(`#handed-over[data-to="${email}"] #handed-over-link`);
  await expect(handed).toContainText('/auth/verify?token=');
  const verifyLink = new URL(await handed.textContent());
  await user.goto(verifyLink.pathname + verifyLink.search);
  await waitForHydration(user);
  await user.locator('#verify-submit').click();
  await expect(user.locator('#verify-done')).toBeVisible();

  await page.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  await waitForHydration(page);
  await row.locator('select[name="role"]').selectOption('client');
  await row.locator('[data-action="save-role"]').click();
  await expect(row.locator('select[name="role"]')).toHaveValue('client');
  await expect(page.locator('.form-error')).toHaveCount(0);
  await keepScreenshot(page, testInfo, 'admin-users');

  await user.goto('/batch');
  await expect(user.locator('#batch-csv')).toBeVisible();
  await expect(user.locator('#refusal')).toHaveCount(0);
  await user.goto('/account');
  await expect(user.locator('#account-role')).toHaveText('Client');

  // The change is in the audit log with who made it.
  await page.goto('/admin/audit?action=user.role');
  await expect(page.locator('#audit-table tr[data-action="user.role"]').first()).toContainText(OWNER.email);
  await keepScreenshot(page, testInfo, 'audit-log');
  await context.close();
});

test('MetaMask: a wallet signs in with a real signature and becomes a guest account', async ({ browser }, testInfo) => {
  const context = await visitor(browser);
  await injectWallet(context, WALLET_KEY);
  const page = await context.newPage();
  await page.goto('/auth/login');
  await waitForHydration(page);
  await page.locator('#wallet-sign-in[data-ready="true"]').click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('#account-wallets .wallet-address')).toHaveText([WALLET_ADDRESS]);
  await expect(page.locator('#account-role')).toHaveText('Guest');
  await keepScreenshot(page, testInfo, 'wallet-account');
  await context.close();
});

test('MetaMask: a replayed signature, a tampered message and an expired nonce are refused', async ({ browser }) => {
  const context = await visitor(browser);
  await injectWallet(context, WALLET_KEY);
  const page = await context.newPage();
  await page.goto('/auth/login');
  await waitForHydration(page);

  // Tampered: the message is changed on its way back to the server.
  await page.route('**/api/wallet_sign_in', async (route) => {
    const body = new URLSearchParams(route.request().postData());
    body.set('message', body.get('message').replace('Sign in to HashInsight.', 'Sign in to HashInsight as admin.'));
    await route.continue({ postData: body.toString() });
  });
  await page.locator('#wallet-sign-in[data-ready="true"]').click();
  await expect(page.locator('#wallet-error')).toHaveText('The signed message is not the one this site issued.');
  await page.unroute('**/api/wallet_sign_in');

  // Expired: the nonce's lifetime ends (in the database) between signing and sending.
  await page.route('**/api/wallet_sign_in', async (route) => {
    execFileSync('python3', ['-c', `import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("update siwe_nonce set expires_at_ms = 1"); c.commit()`, process.env.E2E_DB]);
    await route.continue();
  });
  await page.locator('#wallet-sign-in[data-ready="true"]').click();
  await expect(page.locator('#wallet-error')).toHaveText('This signature request has expired or was already used. Start again.');
  await page.unroute('**/api/wallet_sign_in');

  // Replayed: a signature that already signed in is sent again.
  let sent;
  await page.route('**/api/wallet_sign_in', async (route) => {
    sent = route.request().postData();
    await route.continue();
  });
  await page.locator('#wallet-sign-in[data-ready="true"]').click();
  await expect(page).toHaveURL(/\/account$/);
  const replay = await context.request.post('/api/wallet_sign_in', {
    data: sent,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(replay.status()).toBe(401);
  expect((await replay.json()).error.code).toBe('wallet_nonce_expired');
  await context.close();
});

test('without a wallet the button says what to do, with a link into the MetaMask app', async ({ browser }) => {
  const context = await visitor(browser);
  const page = await context.newPage();
  await page.goto('/auth/login');
  await waitForHydration(page);
  await page.locator('#wallet-sign-in[data-ready="true"]').click();
  await expect(page.locator('#wallet-missing')).toContainText('No Ethereum wallet was found');
  await expect(page.locator('#wallet-missing a')).toHaveAttribute('href', /^https:\/\/metamask\.app\.link\/dapp\/127\.0\.0\.1:\d+\/auth\/login$/);
  await context.close();
});

test('the owner adds a user, whose password link waits in the outbox without SMTP', async ({ page }, testInfo) => {
  const email = `ops-${testInfo.project.name}-${Date.now()}@example.com`;
  await page.goto('/admin/users');
  await waitForHydration(page);
  const form = page.locator('#create-user-form');
  await form.getByLabel('Name').fill('Oskar Operator');
  await form.getByLabel('E-mail address').fill(email);
  await form.locator('select[name="role"]').selectOption('operator');
  await page.locator('#create-user-submit').click();
  const link = await page.locator('#created-link').textContent();
  expect(link).toMatch(/\/reset\?token=/);
  // The outbox says a mail waits, never with its link.
  await expect(page.locator(`#outbox .mail[data-to="${email}"]`)).toContainText('Set a password');
  await expect(page.locator('#outbox')).not.toContainText(new URL(link).search.slice(1));

  // The person opens the link in their own browser and sets a password.
  const context = await visitor(page.context().browser());
  const person = await context.newPage();
  await person.goto(new URL(link).pathname + new URL(link).search);
  await waitForHydration(person);
  await person.locator('#reset-form').getByLabel('Password', { exact: true }).fill(PASSWORD);
  await person.locator('#reset-form').getByLabel('Password again').fill(PASSWORD);
  await person.locator('#reset-submit').click();
  await expect(person).toHaveURL(/\/account$/);
  await expect(person.locator('#account-role')).toHaveText('Operator');
  await context.close();
});
