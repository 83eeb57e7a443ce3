// The first run, as an operator meets it: the one-time link `hashinsight user create --role
// owner` printed (scripts/e2e.sh passes its path), the owner account made with it, and that
// session kept for the specs that need an owner (batch, network, administration).
import { test as setup, expect } from '@playwright/test';
import { OWNER, OWNER_STATE, waitForHydration } from './helpers.mjs';

setup('the owner account is created from the first-run link', async ({ page }) => {
  const path = process.env.E2E_SETUP_PATH;
  expect(path, 'scripts/e2e.sh sets E2E_SETUP_PATH').toMatch(/^\/auth\/setup\?token=/);
  await page.goto('/auth/login');
  await expect(page.locator('#setup-hint')).toContainText('hashinsight user create --role owner');
  await page.goto(path);
  await waitForHydration(page);
  const form = page.locator('#setup-form');
  await form.getByLabel('Name').fill(OWNER.name);
  await form.getByLabel('E-mail address').fill(OWNER.email);
  await form.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await form.getByLabel('Password again').fill(OWNER.password);
  await page.locator('#setup-submit').click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('#account-role')).toHaveText('Owner');
  // The link worked once: a second owner cannot be made with it.
  const again = await page.request.post('/api/setup_owner', {
    form: { token: path.split('token=')[1], email: 'x@example.com', display_name: 'X', password: 'another long one', password_again: 'another long one' },
  });
  expect(again.status()).toBe(409);
  await page.context().storageState({ path: OWNER_STATE });
});
