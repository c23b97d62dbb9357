/**
 * The VS Code workbench in the browser, driven through its keyboard and read through its DOM, as a
 * person uses it: the command palette, quick open, the Problems panel.
 */
import type { Page } from 'playwright-core';

/**
 * Opens a quick input with `key` (null: one is open already), types `text`, moves to the entry
 * whose label `matches`, and accepts it. The best fuzzy match is not always the one meant
 * ("Preferences: Color Theme" ranks below "Preferences: Browse Color Themes in Marketplace"), so
 * the entry is chosen by its label.
 */
export async function quickInput(
  page: Page,
  key: string | null,
  text: string,
  matches: (label: string) => boolean,
  what: string,
): Promise<void> {
  const input = page.locator('.quick-input-widget input[type="text"]');
  if (key) {
    // A key pressed while the workbench is still restoring (a walkthrough or an editor taking
    // focus) can be swallowed; press it again, as a person would, until the quick input shows.
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.press(key);
      try {
        await input.waitFor({ state: 'visible', timeout: 3_000 });
        break;
      } catch (e) {
        if (attempt >= 4) throw e;
        await page
          .locator('.monaco-workbench')
          .first()
          .focus()
          .catch(() => undefined);
      }
    }
  } else await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(text);
  const focusedLabel = async () =>
    (
      (await page
        .locator('.quick-input-widget .monaco-list-row.focused .label-name')
        .first()
        .textContent({ timeout: 2_000 })) ?? ''
    ).trim();
  await assertEventually(async () => {
    // Enter before the list has filtered would run whatever was first.
    for (let i = 0; i < 8; i++) {
      if (matches(await focusedLabel())) return true;
      await page.keyboard.press('ArrowDown');
    }
    return false;
  }, `${what} in the list`);
  await page.keyboard.press('Enter');
}

/** F1, the command's title, Enter: how a user runs a command. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await quickInput(page, 'F1', `>${title}`, (label) => label === title, `the command "${title}"`);
}

export async function openFile(page: Page, name: string): Promise<void> {
  await quickInput(page, 'Control+P', name, (label) => label === name, `the file ${name}`);
  await page.locator(`.tab[aria-label^="${name}"]`).first().waitFor({ timeout: 15_000 });
}

export async function assertEventually(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The Problems panel's rows as the screen reader reads them (message, source, position). */
export async function problems(page: Page): Promise<string[]> {
  return page
    .locator('.markers-panel .monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
}

export async function problemsText(page: Page): Promise<string> {
  try {
    await runCommand(page, 'Problems: Focus on Problems View');
    await page.locator('.markers-panel').waitFor({ timeout: 5_000 });
    return (await problems(page)).join('\n') || '(no problems listed)';
  } catch (e) {
    return `(could not read the Problems panel: ${(e as Error).message})`;
  }
}

/** Through the theme picker, as a user does (Preferences: Color Theme, then the theme's name). */
export async function setTheme(page: Page, label: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  // The picker replaces the palette in the same widget; wait until it lists themes.
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: 'Modern' })
    .first()
    .waitFor({ timeout: 10_000 });
  await quickInput(page, null, label, (l) => l === label, `the theme ${label}`);
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}
