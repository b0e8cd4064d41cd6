// Finds the metric names a PromQL expression reads, with a small lexer instead of a full parser.
//
// The rule: after removing string literals, numbers and durations, an identifier is a metric
// name unless it (a) is followed by `(` (a function or an aggregation) or is an aggregation
// followed by `by`/`without`, (b) is a PromQL keyword
// (`by`, `without`, `on`, `ignoring`, `group_left`, `group_right`, `bool`, `and`, `or`,
// `unless`, `offset`, `inf`, `nan`), (c) sits in the label list after one of the grouping
// keywords, or (d) sits inside `{…}` (label matchers) or `[…]` (ranges and subqueries). A
// `__name__="x"` matcher inside braces names the metric `x`. Grafana variables (`$name`,
// `${name}`, `[[name]]`) are skipped.
// Limit: regex name matchers (`{__name__=~"a|b"}`) are not expanded; such a selector is
// reported by `unresolvedNameMatchers` so a rule using one fails the check instead of passing.

/** A lexical token of PromQL: what the name finder needs, nothing more. */
interface Token {
  /** What the token is. */
  kind: 'identifier' | 'string' | 'number' | 'variable' | 'punct';
  /** Its text (a string's text without its quotes). */
  text: string;
}

/** Keywords followed by a parenthesised list of label names. */
const LABEL_LIST_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
]);

/** Keywords that look like identifiers but never name a metric. */
const KEYWORDS = new Set([
  ...LABEL_LIST_KEYWORDS,
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/** Aggregation operators: they may take `by (…)`/`without (…)` before their parentheses. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

const IDENTIFIER = /^[A-Za-z_:][A-Za-z0-9_:]*/;
// A number or a duration: 0.05, 1e-9, 0x1f, 5m, 1h30m.
const NUMBER =
  /^(?:0x[0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:(?:ms|[smhdwy])\d*)*)/;
const VARIABLE = /^(?:\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[^\]]*\]\])/;

/** Splits an expression into tokens; throws on a character PromQL does not use. */
export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];

  let rest = expr;
  while (rest.length > 0) {
    const space = /^(?:\s+|#[^\n]*)/.exec(rest);
    if (space) {
      rest = rest.slice(space[0].length);
      continue;
    }

    const [token, length] = nextToken(rest);
    tokens.push(token);
    rest = rest.slice(length);
  }

  return tokens;
}

function nextToken(rest: string): [Token, number] {
  const variable = VARIABLE.exec(rest);
  if (variable) return [{ kind: 'variable', text: variable[0] }, variable[0].length];

  const quote = rest[0];
  if (quote === '"' || quote === "'" || quote === '`') return stringToken(rest, quote);

  const number = NUMBER.exec(rest);
  if (number) return [{ kind: 'number', text: number[0] }, number[0].length];

  const identifier = IDENTIFIER.exec(rest);
  if (identifier) return [{ kind: 'identifier', text: identifier[0] }, identifier[0].length];

  const punct = /^(?:=~|!~|!=|==|>=|<=|[-+*/%^<>=(){}[\],@:])/.exec(rest);
  if (punct) return [{ kind: 'punct', text: punct[0] }, punct[0].length];

  throw new SyntaxError(`unexpected character "${rest[0]}" in PromQL at "${rest.slice(0, 20)}"`);
}

/** A quoted string; backslash escapes count only in "…" and '…' (PromQL's rule). */
function stringToken(rest: string, quote: string): [Token, number] {
  let end = 1;
  while (end < rest.length && rest[end] !== quote) {
    end += quote !== '`' && rest[end] === '\\' ? 2 : 1;
  }
  if (end >= rest.length) throw new SyntaxError(`unterminated string in PromQL: ${rest}`);

  return [{ kind: 'string', text: rest.slice(1, end) }, end + 1];
}

/** The metric names an expression reads, in order of first use, without repeats. */
export function metricNames(expr: string): string[] {
  const tokens = tokenize(expr);
  assertBalanced(tokens);
  const names: string[] = [];

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    const next = tokens[index + 1];

    if (token.kind === 'punct' && (token.text === '{' || token.text === '[')) {
      const close = token.text === '{' ? '}' : ']';
      const end = closingIndex(tokens, index, close);
      if (close === '}') names.push(...nameMatchers(tokens.slice(index + 1, end)));
      index = end;
      continue;
    }
    if (token.kind !== 'identifier') continue;

    if (LABEL_LIST_KEYWORDS.has(token.text) && next?.text === '(') {
      index = closingIndex(tokens, index + 1, ')');
      continue;
    }
    if (KEYWORDS.has(token.text) || next?.text === '(') continue;
    if (AGGREGATIONS.has(token.text) && (next?.text === 'by' || next?.text === 'without')) continue;

    names.push(token.text);
  }

  return [...new Set(names)];
}

/** Throws unless every (, { and [ is closed, in order. */
function assertBalanced(tokens: Token[]): void {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const open: string[] = [];

  for (const { kind, text } of tokens) {
    if (kind !== 'punct') continue;

    if (pairs[text] !== undefined) open.push(pairs[text]);
    else if (Object.values(pairs).includes(text) && open.pop() !== text) {
      throw new SyntaxError(`unbalanced "${text}" in PromQL`);
    }
  }
  if (open.length > 0)
    throw new SyntaxError(`unbalanced brackets in PromQL: "${open.join('')}" missing`);
}

/** Index of the token closing the bracket opened at `open` (brackets of one kind nest). */
function closingIndex(tokens: Token[], open: number, close: string): number {
  const opener = tokens[open]?.text;

  let depth = 0;
  for (let index = open; index < tokens.length; index++) {
    const text = tokens[index]?.text;
    if (text === opener) depth++;
    if (text === close) depth--;
    if (depth === 0) return index;
  }

  throw new SyntaxError(`unbalanced "${opener}" in PromQL`);
}

/** Names given by `__name__="x"` matchers inside one `{…}`. */
function nameMatchers(inside: Token[]): string[] {
  const names: string[] = [];

  for (let index = 0; index + 2 < inside.length; index++) {
    const [label, op, value] = [inside[index], inside[index + 1], inside[index + 2]];
    if (label?.text === '__name__' && op?.text === '=' && value?.kind === 'string') {
      names.push(value.text);
    }
  }

  return names;
}

/** `__name__` matchers that are not plain equality: the checker cannot tell what they read. */
export function unresolvedNameMatchers(expr: string): string[] {
  const tokens = tokenize(expr);
  const found: string[] = [];

  for (let index = 0; index + 1 < tokens.length; index++) {
    const [label, op] = [tokens[index], tokens[index + 1]];
    if (label?.text === '__name__' && op !== undefined && op.text !== '=') {
      found.push(`__name__${op.text}`);
    }
  }

  return found;
}
