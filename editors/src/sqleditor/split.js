// sqleditor/split.js — SQL text into statements, the way the database would read it. Contract:
//   splitStatements(text, dialect) → [{text, from, to}] for each non-empty statement (from/to:
//     offsets in text, the terminating ';' excluded), splitting on ';' outside of '…' and "…"
//     strings (doubled quotes; backslash escapes in MySQL), MySQL `…` identifiers, -- and /* */
//     comments (MySQL also #), and PostgreSQL dollar quotes ($$…$$, $tag$…$tag$).
//   isWrite(statement) → true unless it plainly only reads (SELECT, WITH … SELECT, SHOW,
//     EXPLAIN without ANALYZE, DESCRIBE, VALUES, TABLE): such statements are confirmed first.

export function splitStatements(text, dialect = 'postgres') {
  const out = [];
  const mysql = dialect === 'mysql';
  let start = 0;
  let i = 0;
  const n = text.length;
  const push = (end) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body && stripComments(body).trim()) out.push({ text: body, from: start + lead, to: start + lead + body.length });
  };
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '-' && next === '-' || (mysql && c === '#')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || (mysql && c === '`')) {
      i++;
      while (i < n) {
        if (mysql && text[i] === '\\' && c !== '`') { i += 2; continue; }
        if (text[i] === c) {
          if (text[i + 1] === c) { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
    } else if (c === '$' && dialect === 'postgres') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      if (m && !/[A-Za-z0-9_]/.test(text[i - 1] || '')) {
        const end = text.indexOf(m[0], i + m[0].length);
        i = end < 0 ? n : end + m[0].length;
      } else i++;
    } else if (c === ';') {
      push(i);
      i++;
      start = i;
    } else i++;
  }
  push(n);
  return out;
}

/** stripComments: the statement without its comments (strings kept as they are). */
export function stripComments(sql) {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
}

const READS = /^(select|show|describe|desc|values|table|explain)\b/i;

export function isWrite(sql) {
  const s = stripComments(sql).trim().replace(/^\(+\s*/, '');
  if (/^explain\b/i.test(s)) return /\banalyze\b/i.test(s.slice(0, 40)) && isWrite(s.replace(/^explain\s+(\([^)]*\)\s*)?(analyze\s+)?(verbose\s+)?/i, ''));
  if (/^with\b/i.test(s)) return /\b(insert|update|delete|merge)\b/i.test(s.replace(/'(?:[^']|'')*'/g, "''"));
  return !READS.test(s);
}
