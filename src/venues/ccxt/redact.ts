/**
 * Removes secrets from text before it reaches a log, an error, an alert or the renderer: the API
 * key and secret as given and URL-encoded, and any request signature (ccxt puts the signed query
 * string, signature included, into the message of a network error).
 */
export type Redactor = (text: string) => string;

const MASK = '[REDACTED]';

export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const needles = new Set<string>();
  for (const s of secrets) {
    // Very short values would mask ordinary words; real keys are long.
    if (s === undefined || s.length < 6) continue;
    needles.add(s);
    needles.add(encodeURIComponent(s));
  }
  const list = [...needles].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text;
    for (const n of list) out = out.split(n).join(MASK);
    return out.replace(/(signature=)[^&\s"']+/gi, `$1${MASK}`).replace(/(X-MBX-APIKEY["']?\s*[:=]\s*["']?)[^"',\s}]+/gi, `$1${MASK}`);
  };
}
