/** Render "file:line:col" plus the source line and a ^^^ pointer (yaml-style). */
export function excerpt(source: string, line: number, col: number, width = 1): string {
  const lines = source.split(/\r?\n/);
  const text = lines[line - 1];
  if (text === undefined) return '';
  const shown = text.length > 120 ? text.slice(0, 120) + '…' : text;
  const pointer = ' '.repeat(Math.max(0, col - 1)) + '^'.repeat(Math.max(1, Math.min(width, shown.length - col + 1)));
  const gutter = String(line).padStart(4) + ' | ';
  return `${gutter}${shown}\n${' '.repeat(gutter.length)}${pointer}`;
}
