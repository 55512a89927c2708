/** Booleans as clients send them in queries and forms: JS writes true/false, Python True/False or 1/0. */
export function isTruthy(value: string | null | undefined): boolean {
  return value !== null && value !== undefined && ["1", "true"].includes(value.toLowerCase());
}
