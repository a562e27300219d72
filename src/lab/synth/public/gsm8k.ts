/**
 * GSM8K (openai/grade-school-math train.jsonl): prose lines with `<<expr=value>>` calculator
 * notes and a final `#### answer` line. Each line with notes becomes one step: the prose with the
 * notes removed is the comment, each note's expression is assigned to a variable named after the
 * word that follows the note's value (`... = <<48/2=24>>24 clips` -> `clips = 48 / 2`), else `s<k>`.
 * A literal in a later expression that equals an earlier result (and is not a number given in the
 * question) is written as that result's variable. Lines without notes are folded into the next
 * step's comment.
 */
import { cleanNumber, identifier, oneLine, type Conversion, type PublicProblem, type Step } from './format';

export interface Gsm8kRecord {
  question: string;
  answer: string;
}

const NOTE = /<<([^<>=]*)=([^<>]*)>>/g;
const NUMBER = /(?:\d+\.?\d*|\.\d+)/g;
/** Words after a value that do not name it. */
const STOP = new Set(
  (
    'a an the and or of in on at to for from by with than that this these those so as is are was were be been will would can ' +
    'more less fewer each every total left remaining altogether all per times now then which who he she it they we you his her ' +
    'their its them him there here after before over under about only also just still extra another other left. each. pieces?'
  ).split(' '),
);

export function gsm8kProblem(r: Gsm8kRecord, index: number): PublicProblem {
  const m = /####\s*(.+)\s*$/.exec(r.answer);
  const gold = m ? cleanNumber(m[1].replace(/,/g, '')) : '';
  return { id: `gsm8k-${index}`, source: 'gsm8k', question: r.question, answer: gold };
}

/** The variable name for a note: from the words right after it in the line. */
function nameAfter(rest: string): string | null {
  const m = /^\s*\$?\s*-?[\d.,]+\s*(%|percent)?\s*([A-Za-z][A-Za-z'-]*)(?:\s+([A-Za-z][A-Za-z'-]*))?/.exec(rest);
  if (!m || m[1]) return null;
  const w1 = m[2].toLowerCase().replace(/'s$/, '');
  const w2 = m[3]?.toLowerCase().replace(/'s$/, '');
  if (w1 === 'per' && w2 && !STOP.has(w2)) return identifier(['per', w2]);
  if (STOP.has(w1) || w1.length < 3 || /'/.test(w1)) return null;
  return identifier([w1.replace(/-/g, '_')]);
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

export function convertGsm8k(r: Gsm8kRecord): Conversion {
  const lines = r.answer.split('\n');
  const end = lines.findIndex((l) => l.startsWith('####'));
  if (end < 0) return { ok: false, reason: 'no #### answer line' };
  const givens = new Set((r.question.replace(/(\d),(\d{3})/g, '$1$2').match(/\d+(?:\.\d+)?/g) ?? []).map((n) => Number(n)));
  const results: Array<{ name: string; value: number }> = [];
  const used = new Set<string>();
  const steps: Step[] = [];
  let pending = '';
  let slot = 0;
  let anyInexact = false;
  for (const line of lines.slice(0, end)) {
    const notes = [...line.matchAll(NOTE)];
    const prose = oneLine(line.replace(NOTE, ''));
    if (!notes.length) {
      if (prose) pending = pending ? `${pending} ${prose}` : prose;
      continue;
    }
    const code: string[] = [];
    for (const n of notes) {
      const expr = n[1].trim();
      const value = Number(cleanNumber(n[2]));
      if (!/^[\d.+\-*/() ]+$/.test(expr) || !/\d/.test(expr)) return { ok: false, reason: 'note is not plain arithmetic' };
      if (!Number.isFinite(value)) return { ok: false, reason: 'note value is not a number' };
      // Earlier results replace equal literals (not exponents, not numbers given in the question).
      const py = expr.replace(NUMBER, (lit, at: number) => {
        const clean = cleanNumber(lit);
        const v = Number(clean);
        if (expr.slice(Math.max(0, at - 2), at) === '**' || givens.has(v)) return clean;
        for (let i = results.length - 1; i >= 0; i--) if (close(results[i].value, v)) return results[i].name;
        return clean;
      });
      const spaced = py.replace(/\s+/g, '').replace(/\*\*|[-+*/]/g, (op, at: number, s: string) => {
        // Unary minus stays attached to its operand.
        if (op === '-' && (at === 0 || /[-+*/(]/.test(s[at - 1]))) return op;
        return ` ${op} `;
      });
      if (/[/.]/.test(spaced)) anyInexact = true;
      slot++;
      let name = nameAfter(line.slice((n.index ?? 0) + n[0].length)) ?? `s${slot}`;
      if (used.has(name)) {
        let k = 2;
        while (used.has(`${name}_${k}`)) k++;
        name = `${name}_${k}`;
      }
      used.add(name);
      results.push({ name, value });
      code.push(`${name} = ${spaced}`);
    }
    const comment = oneLine(`${pending} ${prose}`) || `Compute ${notes.map((n) => n[1].trim()).join(' and ')}.`;
    pending = '';
    steps.push({ comment, code: code.join('\n') });
  }
  if (!results.length) return { ok: false, reason: 'no calculator notes' };
  const last = results[results.length - 1];
  // The note states an integer; float arithmetic (x / y, 0.2 * x) may leave 23.999999999999996.
  const print = anyInexact && Number.isInteger(last.value) ? `round(${last.name})` : last.name;
  return { ok: true, trajectory: { steps, print } };
}
