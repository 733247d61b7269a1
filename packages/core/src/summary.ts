/** Markdown pieces for job summaries; pure so they are tested as strings and reused by the local release. */

/** A table cell holds at most this much: values come from registries and records, which may be hostile. */
const CELL_LIMIT = 200;

function cell(value: string): string {
  const cut = value.length > CELL_LIMIT ? `${value.slice(0, CELL_LIMIT)}… (${value.length} characters, cut)` : value;
  return cut.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function mdTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function mdCode(value: string): string {
  return `\`${value.replace(/`/g, "'")}\``;
}

export function mdBlock(lang: string, body: string): string {
  return `\`\`\`${lang}\n${body}\n\`\`\``;
}
