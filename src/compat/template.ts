/** Variables a suite may substitute: plain values only, so a suite can never run code. */
export type Vars = Readonly<Record<string, string | number | boolean>>;

const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces every `{{name}}`; names without a value are returned so the loader can point at them. */
export function substitute(text: string, vars: Vars): { text: string; missing: string[] } {
  const missing: string[] = [];
  const result = text.replace(placeholder, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) {
      missing.push(name);
      return whole;
    }
    return String(value);
  });
  return { text: result, missing };
}
