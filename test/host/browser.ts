/** Debian's Chromium driven by playwright-core, with nothing reaching outside 127.0.0.1. */
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.AIMC_CHROMIUM ?? '/usr/bin/chromium';

// Without the networking flags Chromium keeps trying to reach update and sync hosts that do not
// exist here (HOST-TESTING.md).
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
}

/**
 * The workbench URL that makes code-server run an extension test suite: `payload` carries the
 * development extension and the tests module as vscode-remote URIs (VS Code's own browser
 * integration tests use the same mechanism).
 */
export function payloadUrl(origin: string, folder: string, extensionPath: string, testsPath: string): string {
  const authority = new URL(origin).host;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${extensionPath}`],
    ['extensionTestsPath', `vscode-remote://${authority}${testsPath}`],
    ['skipWelcome', 'true'],
  ];
  return `${origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
