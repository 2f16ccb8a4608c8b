// `npm run --silent reconcile -- --input FILE` (FILE may be `-` for stdin): validates the input,
// runs the engine and prints the output JSON on stdout (add `--pretty` to indent it). Invalid input
// — an unreadable file, bad JSON, a schema violation, duplicate ids, a negative amount, an unknown
// client id — prints what is wrong on stderr and exits 2; nothing is printed on stdout then.
import { readFileSync } from 'node:fs';
import { reconcile } from './reconcile';
import { parseReconcileInput } from './reconcile-input';

const USAGE = 'usage: npm run --silent reconcile -- --input FILE [--pretty]   (FILE "-" reads stdin)';

function fail(lines: string[]): never {
  process.stderr.write(lines.map((l) => `${l}\n`).join(''));
  process.exit(2);
}

function argument(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

const args = process.argv.slice(2).filter((a) => a !== '--');
const file = argument(args, '--input');
if (!file) fail(['reconcile: --input FILE is required.', USAGE]);

let text: string;
try {
  text = readFileSync(file === '-' ? 0 : file, 'utf8');
} catch (error) {
  fail([`reconcile: cannot read ${file}: ${(error as Error).message}`]);
}
let json: unknown;
try {
  json = JSON.parse(text);
} catch (error) {
  fail([`reconcile: ${file} is not valid JSON: ${(error as Error).message}`]);
}
const parsed = parseReconcileInput(json);
if (!parsed.ok) fail([`reconcile: ${file} is not a valid reconciliation input:`, ...parsed.problems.map((p) => `  - ${p}`)]);

const output = reconcile(parsed.input);
process.stdout.write(`${JSON.stringify(output, null, args.includes('--pretty') ? 2 : undefined)}\n`);
