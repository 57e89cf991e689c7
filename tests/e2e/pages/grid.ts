import type { Locator } from '@playwright/test';

/** Parses a formatted number as the UI shows it ("1,234.50", "−3.20", "+0.10"). */
export function num(text: string | null): number {
  if (text === null) return Number.NaN;
  const t = text.replace(/[,\s]/g, '').replace('\u2212', '-');
  return t === '' || t === '—' ? Number.NaN : Number(t);
}

/** An ARIA grid (role=grid) whose cells are looked up by column header text. */
export class GridObject {
  readonly root: Locator;

  constructor(root: Locator) {
    this.root = root;
  }

  /** Data rows (not the header row). */
  rows(): Locator {
    return this.root.getByRole('row').filter({ has: this.root.page().getByRole('gridcell') });
  }

  /** The row whose text contains `text` (an order id, a symbol…). */
  row(text: string): Locator {
    return this.rows().filter({ hasText: text });
  }

  selectedRow(): Locator {
    return this.root.locator('[role="row"][aria-selected="true"]');
  }

  async columnIndex(header: string): Promise<number> {
    const headers = await this.root.getByRole('columnheader').allInnerTexts();
    const i = headers.findIndex((h) => h.trim().toLowerCase() === header.toLowerCase());
    if (i < 0) throw new Error(`no column "${header}" in grid; columns: ${headers.join(' | ')}`);
    return i;
  }

  /**
   * The row's cell under `header`, located by the column's key (data-col), not its position: the
   * grid re-plans its columns as content and room change (a reason appears, a column gives way).
   */
  /**
   * A column's position and key (data-col), read in one step: reading the index first and the key
   * after raced with a re-plan (a Reason column appearing after a cancel shifted the headers between).
   */
  async column(header: string): Promise<{ index: number; key: string | null }> {
    const found = await this.root.evaluate((grid, wanted) => {
      const heads = [...grid.querySelectorAll<HTMLElement>('[role="columnheader"]')];
      const i = heads.findIndex((h) => h.innerText.trim().toLowerCase() === wanted);
      return { i, key: i < 0 ? null : (heads[i]?.getAttribute('data-col') ?? null), all: heads.map((h) => h.innerText.trim()) };
    }, header.toLowerCase());
    if (found.i < 0) throw new Error(`no column "${header}" in grid; columns: ${found.all.join(' | ')}`);
    return { index: found.i, key: found.key };
  }

  /** The cell of `row` under `header`, by the column's key where it has one, not its position. */
  async cellIn(row: Locator, header: string): Promise<Locator> {
    const { index, key } = await this.column(header);
    return key ? row.locator(`[role="gridcell"][data-col="${key}"]`) : row.getByRole('gridcell').nth(index);
  }

  /** The row's cell under `header` (the grid re-plans its columns as content and room change). */
  async cell(rowText: string, header: string): Promise<Locator> {
    return this.cellIn(this.row(rowText), header);
  }

  async cellText(rowText: string, header: string): Promise<string> {
    return (await (await this.cell(rowText, header)).innerText()).trim();
  }

  async focus(): Promise<void> {
    await this.root.focus();
  }

  async headers(): Promise<string[]> {
    // Text content, not innerText: the header row is upper-cased by CSS only.
    return (await this.root.getByRole('columnheader').allTextContents()).map((h) => h.trim());
  }

  /**
   * Cells (and headers) whose text is cut: content wider than the cell (scrollWidth > clientWidth).
   * `except` names columns (header text) allowed to cut free text, e.g. a reason message with a title.
   */
  async truncatedCells(except: readonly string[] = []): Promise<string[]> {
    return this.root.evaluate((grid, skip) => {
      const heads = [...grid.querySelectorAll<HTMLElement>('[role="columnheader"]')].map((h) => h.innerText.trim().toLowerCase());
      const out: string[] = [];
      for (const cell of grid.querySelectorAll<HTMLElement>('[role="columnheader"], [role="gridcell"]')) {
        const col = Number(cell.getAttribute('aria-colindex')) - 1;
        const head = heads[col] ?? '';
        if (skip.includes(head)) continue;
        // Cut children count too (a flex cell can hide an ellipsised span).
        // Screen-reader-only text is clipped on purpose (1 px box); it is not what a trader reads.
        const parts = [cell, ...cell.querySelectorAll<HTMLElement>('*')].filter((el) => !el.classList.contains('sr-only'));
        if (parts.some((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible')) {
          out.push(`${head || '(header)'}: "${cell.innerText.trim()}" (${cell.scrollWidth} > ${cell.clientWidth})`);
        }
      }
      return out;
    }, except.map((e) => e.toLowerCase()));
  }

  /** The grid's Columns menu (opened from its corner button). */
  async openColumnsMenu(): Promise<Locator> {
    const label = (await this.root.getAttribute('aria-label')) ?? '';
    await this.root.locator('xpath=..').getByRole('button', { name: new RegExp(`^Columns of ${label}`) }).click();
    const menu = this.root.page().getByRole('dialog', { name: `Columns of ${label}` });
    await menu.waitFor();
    return menu;
  }
}
