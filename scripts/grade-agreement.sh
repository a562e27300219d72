#!/usr/bin/env bash
# Agreement of `stepwise grade` with the verdicts in a JSONL file of {gold, pred, equal} lines.
# Usage: scripts/grade-agreement.sh FILE.jsonl [grade flags, e.g. --no-symbolic]   (build first)
set -euo pipefail
file=$1; shift
node dist/src/cli/main.js grade "$file" "$@" | paste -d'\t' "$file" - | node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n");
  let agree = 0; const bad = [];
  for (const l of lines) {
    const [rec, out] = l.split("\t");
    const want = JSON.parse(rec).equal, got = JSON.parse(out).equal;
    if (want === got) agree++; else bad.push(JSON.parse(rec).id ?? rec.slice(0, 80));
  }
  console.log(`agreement ${agree}/${lines.length} = ${(100 * agree / lines.length).toFixed(1)} %`);
  if (bad.length) console.log("disagree:", bad.join(", "));'
