/** Sizes the contract promises, in a module without zod so clients (the CLI) can read them cheaply. */

/** orders.list pages: the default, and the most a caller may ask for (the renderer's cap). */
export const ORDERS_PAGE_DEFAULT = 500;
export const ORDERS_PAGE_MAX = 5000;
