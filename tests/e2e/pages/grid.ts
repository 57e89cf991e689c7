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

  async cell(rowText: string, header: string): Promise<Locator> {
    return this.row(rowText).getByRole('gridcell').nth(await this.columnIndex(header));
  }

  async cellText(rowText: string, header: string): Promise<string> {
    return (await (await this.cell(rowText, header)).innerText()).trim();
  }

  async focus(): Promise<void> {
    await this.root.focus();
  }
}
