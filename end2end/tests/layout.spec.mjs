// The layout holds on a phone: nothing wider than the screen, every control reachable.
import { test, expect } from '@playwright/test';
import { keepScreenshot, waitForHydration } from './helpers.mjs';

test.use({ viewport: { width: 390, height: 844 } });

for (const path of ['/', '/catalogue', '/network', '/sites', '/auth/login', '/account', '/admin/users', '/admin/audit', '/no/such/page']) {
  test(`${path} fits a 390×844 screen`, async ({ page }, testInfo) => {
    await page.goto(path);
    await waitForHydration(page);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    for (const selector of ['.brand', '.site-nav', '#language-switch', '#theme-toggle']) {
      const box = await page.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      expect(box.x, selector).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, selector).toBeLessThanOrEqual(390);
    }
    await keepScreenshot(page, testInfo, `phone${path.replaceAll('/', '_')}`);
  });
}
