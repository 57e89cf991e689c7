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
      // The visible part of the grid: its box less the vertical scrollbar (clientWidth), within the window.
      const box = grid.getBoundingClientRect();
      const view = { left: Math.max(0, box.left + grid.clientLeft), right: Math.min(window.innerWidth, box.left + grid.clientLeft + grid.clientWidth) };
      for (const cell of grid.querySelectorAll<HTMLElement>('[role="columnheader"], [role="gridcell"]')) {
        const col = Number(cell.getAttribute('aria-colindex')) - 1;
        const head = heads[col] ?? '';
        if (skip.includes(head)) continue;
        // Cut children count too (a flex cell can hide an ellipsised span).
        // Screen-reader-only text is clipped on purpose (1 px box); it is not what a trader reads.
        const parts = [cell, ...cell.querySelectorAll<HTMLElement>('*')].filter((el) => !el.classList.contains('sr-only'));
        // The text's own width (fractional), not scrollWidth: that is rounded, so text 0.1 px wider
        // than its box passed as fitting while the browser painted it cut with an ellipsis.
        let cut: string | null = null;
        for (const el of parts) {
          const cs = getComputedStyle(el);
          if (cs.overflowX === 'visible' || el.clientWidth === 0) continue;
          // Its text nodes only: a resize handle or an icon box is not text.
          let left = Infinity;
          let right = -Infinity;
          const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            if (!n.textContent?.trim() || n.parentElement?.closest('.sr-only')) continue;
            const range = document.createRange();
            range.selectNodeContents(n);
            const r = range.getBoundingClientRect();
            if (r.width === 0) continue;
            left = Math.min(left, r.left);
            right = Math.max(right, r.right);
          }
          const text = right > left ? right - left : 0;
          const px = (v: string): number => parseFloat(v) || 0;
          const box = el.getBoundingClientRect().width - px(cs.paddingLeft) - px(cs.paddingRight) - px(cs.borderLeftWidth) - px(cs.borderRightWidth);
          if (el.scrollWidth > el.clientWidth + 1 || text > box + 0.05) {
            cut = `text ${text.toFixed(1)} px in ${box.toFixed(1)} px`;
            break;
          }
        }
        if (cut) {
          out.push(`${head || '(header)'}: "${cell.innerText.trim()}" (${cut})`);
          continue;
        }
        // A cell the grid's own box clips (a column scrolled out of view sideways, or only partly in
        // it) is as unreadable as an ellipsis: a trader does not scroll a 3-row grid to see P&L.
        const r = cell.getBoundingClientRect();
        if (r.width > 0 && (r.right > view.right + 1 || r.left < view.left - 1)) {
          out.push(`${head || '(header)'}: "${cell.innerText.trim()}" (outside the grid's view: ${Math.round(r.left)}–${Math.round(r.right)} not in ${Math.round(view.left)}–${Math.round(view.right)})`);
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
