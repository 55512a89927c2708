/** The last exception line of a Python traceback (the part a person needs), else its last line. */
export function pythonErrorLine(lines: readonly string[]): string | undefined {
  return lines.filter((l) => /^\w*(Error|Exception)\b/.test(l)).pop() ?? lines.at(-1);
}
