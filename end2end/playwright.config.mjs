// Playwright drives Debian's Chromium (never a downloaded browser) against the release build
// that `cargo leptos end-to-end --release` starts on 127.0.0.1:3000.
import { defineConfig, devices } from '@playwright/test';

const chromium = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  // Without the background-networking flags Chromium floods this closed network with lookups.
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.BASE_URL || 'http://127.0.0.1:3000',
    browserName: 'chromium',
    locale: 'en-US',
    launchOptions: chromium,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  // `setup` creates the owner from the first-run link; the other projects start signed in as
  // that owner (specs about visitors and new accounts open fresh contexts).
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.mjs/ },
    {
      name: 'desktop',
      dependencies: ['setup'],
      use: { viewport: { width: 1280, height: 800 }, storageState: '.auth/owner.json' },
    },
    {
      name: 'phone',
      dependencies: ['setup'],
      use: {
        storageState: '.auth/owner.json',
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
        userAgent: devices['Pixel 7'].userAgent,
      },
    },
  ],
});
