import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The browser build of ethers (not in the package's exports map, so by path).
const ETHERS = fileURLToPath(new URL('../node_modules/ethers/dist/ethers.umd.min.js', import.meta.url));

/** Screenshots kept as artifacts of the run (end2end/artifacts/), one per named state. */
export async function keepScreenshot(page, testInfo, name) {
  mkdirSync('artifacts', { recursive: true });
  await page.screenshot({ path: `artifacts/${testInfo.project.name}-${name}.png`, fullPage: true });
}

/** The app sets <body data-hydrated="true"> from an effect, which only runs once the WASM has
 *  hydrated the page; before that, clicks and input would be lost. */
export async function waitForHydration(page) {
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 20_000 });
  // Pages in their own WASM chunk hydrate after the shell, when their chunk has arrived.
  if ((await page.locator('[data-lazy-page]').count()) > 0) {
    await page.locator('[data-lazy-page][data-page-hydrated="true"]').waitFor({ timeout: 20_000 });
  }
}

/** The owner the setup project creates from the first-run link; its session is kept in
 *  OWNER_STATE for the specs that need an owner. */
export const OWNER = { email: 'owner@example.com', password: 'olga e2e passphrase 2026', name: 'Olga Owner' };
export const OWNER_STATE = '.auth/owner.json';

/** Gives the page a wallet: ethers in the page and an EIP-1193 provider signing with `key`. */
export async function injectWallet(context, key) {
  await context.addInitScript({ path: ETHERS });
  await context.addInitScript((walletKey) => {
    const wallet = new window.ethers.Wallet(walletKey);
    window.ethereum = {
      isMetaMask: true,
      request: async ({ method, params }) => {
        switch (method) {
          case 'eth_requestAccounts':
          case 'eth_accounts':
            return [wallet.address];
          case 'eth_chainId':
            return '0x1';
          case 'personal_sign':
            // params: [message as 0x-hex of its UTF-8 bytes, address]
            return wallet.signMessage(window.ethers.getBytes(params[0]));
          default:
            throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
        }
      },
    };
  }, key);
}
