import { mkdirSync } from 'node:fs';

/** Screenshots kept as artifacts of the run (end2end/artifacts/), one per named state. */
export async function keepScreenshot(page, testInfo, name) {
  mkdirSync('artifacts', { recursive: true });
  await page.screenshot({ path: `artifacts/${testInfo.project.name}-${name}.png`, fullPage: true });
}

/** The app sets <body data-hydrated="true"> from an effect, which only runs once the WASM has
 *  hydrated the page; before that, clicks and input would be lost. */
export async function waitForHydration(page) {
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 20_000 });
}
