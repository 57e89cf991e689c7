import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** The VCR of a loaded replay (region "Replay" under the top bar). */
export class ReplayBarObject {
  readonly page: Page;
  readonly root: Locator;
  readonly play: Locator;
  readonly pause: Locator;
  readonly step: Locator;
  readonly speed: Locator;
  readonly position: Locator;
  readonly time: Locator;
  readonly stop: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByRole('region', { name: 'Replay' });
    this.play = this.root.getByRole('button', { name: 'Play', exact: true });
    this.pause = this.root.getByRole('button', { name: 'Pause', exact: true });
    this.step = this.root.getByRole('button', { name: 'Step', exact: true });
    this.speed = this.root.getByLabel('Speed', { exact: true });
    this.position = this.root.getByRole('slider', { name: 'Position' });
    this.time = this.root.getByLabel('Replay time');
    this.stop = this.root.getByRole('button', { name: 'Stop replay' });
  }

  /** The replay's time as the bar shows it (epoch ms). */
  async timeMs(): Promise<number> {
    const text = (await this.time.textContent()) ?? '';
    const t = Date.parse(text.trim().replace(' ', 'T'));
    if (Number.isNaN(t)) throw new Error(`no time in the replay bar: "${text}"`);
    return t;
  }

  /** The slider's value: the replay position (epoch ms). */
  async positionMs(): Promise<number> {
    return Number(await this.position.inputValue());
  }

  /** Drags the slider to `ms` (as the keyboard or a mouse would set it) and waits for the replay to be there. */
  async seek(ms: number): Promise<void> {
    await this.position.fill(String(ms));
    await expect.poll(() => this.timeMs()).toBe(Math.floor(ms / 1000) * 1000);
  }
}
