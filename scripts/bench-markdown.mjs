// Prints the tables of bench/results/NAME.json as Markdown, for pasting into the README.
// Usage: node scripts/bench-markdown.mjs dsp [load …]
import { readFileSync } from 'node:fs';

for (const name of process.argv.slice(2)) {
  const result = JSON.parse(readFileSync(`bench/results/${name}.json`, 'utf8'));
  const { machine } = result;
  console.log(
    `_${name}: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}_\n`,
  );

  for (const table of result.tables ?? []) {
    console.log(`**${table.title}**\n`);
    console.log(`| ${table.columns.join(' | ')} |`);
    console.log(`|${table.columns.map(() => '---').join('|')}|`);
    for (const row of table.rows) console.log(`| ${row.join(' | ')} |`);
    console.log('');
  }
}
