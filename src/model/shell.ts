import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

/** What the transforms need to know about a shell-form RUN script. */
export interface ShellScript {
  /** The shell could not parse it (unbalanced quotes, stray operators, …). */
  parseError: boolean;
  /** It contains a `#` comment, which would swallow anything appended after it. */
  hasComment: boolean;
  /** Something runs in the background (`&`). */
  background: boolean;
  /** Constructs whose effect outlives their command (`cd`, `export`, an assignment, `exit`, …). */
  leaks: string[];
  /** The operators that join the top-level items: `&&`, `||`, `;`, `&`, or a newline. */
  topLevelOperators: string[];
  /** The script ends with a separator (`a;`), so an operator cannot be appended to it as it is. */
  endsWithSeparator: boolean;
  /**
   * It may turn on `set -e` or an ERR trap (`set -e`, `trap`, `eval`, `.`), subshells included.
   * A shell ignores both inside a command left of `&&`, so such a script cannot be followed by one.
   */
  errexit: boolean;
  /** Names of the simple commands, in source order (`$X` when the name is an expansion). */
  commands: string[];
  /** Each simple command as its words (quotes removed where they are plain strings). */
  commandWords: string[][];
}

/** Builtins whose effect persists in the shell that runs them. */
const STATEFUL_BUILTINS = new Set([
  'cd', 'pushd', 'popd', 'export', 'unset', 'set', 'shopt', 'umask', 'ulimit', 'alias', 'unalias',
  'trap', 'source', '.', 'eval', 'exec', 'exit', 'return', 'readonly', 'declare', 'typeset', 'local',
  'read', 'shift', 'getopts', 'hash', 'enable', 'builtin', 'command', 'let', 'mapfile', 'readarray',
]);

/** Builtins that may turn on `set -e` or an ERR trap (`set` and `trap` only with `-e`, `errexit`, `ERR` or an expansion). */
const ERREXIT_BUILTINS = new Set(['set', 'trap', 'eval', 'source', '.']);

/** Node types that neither change shell state themselves nor hide a command we cannot see. */
const PLAIN_NODES = new Set([
  'program', 'list', 'pipeline', 'redirected_statement', 'file_redirect', 'herestring_redirect',
  'command_name', 'word', 'string', 'raw_string', 'string_content', 'ansi_c_string', 'concatenation',
  'number', 'simple_expansion', 'expansion', 'variable_name', 'special_variable_name', 'subshell',
  'command_substitution', 'test_command', 'binary_expression', 'unary_expression',
  'parenthesized_expression', 'test_operator', 'regex', 'extglob_pattern', 'file_descriptor',
  'compound_statement', 'if_statement', 'elif_clause', 'else_clause', 'negated_command',
  'brace_expression', 'translated_string',
]);

let parser: Parser | null = null;

/** Loads the tree-sitter-bash grammar once. Must be awaited before {@link analyzeScript}. */
export async function loadShellParser(): Promise<void> {
  if (parser) return;
  const require = createRequire(import.meta.url);
  await Parser.init();
  const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const created = new Parser();
  created.setLanguage(language);
  parser = created;
}

function wordText(node: Node): string {
  if (node.type === 'raw_string') return node.text.slice(1, -1);
  if (node.type === 'string' && node.namedChildren.every((c) => c?.type === 'string_content')) {
    return node.text.slice(1, -1);
  }
  return node.text;
}

/** Parses a script as `/bin/sh -c` receives it (continuations already joined). */
export function analyzeScript(script: string): ShellScript {
  if (!parser) throw new Error('shell parser not loaded: await loadShellParser() first');
  const tree = parser.parse(script);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const root = tree.rootNode;
  const result: ShellScript = {
    parseError: root.hasError,
    hasComment: false,
    background: false,
    leaks: [],
    topLevelOperators: [],
    endsWithSeparator: false,
    errexit: false,
    commands: [],
    commandWords: [],
  };

  for (const child of root.children) {
    if (child && !child.isNamed && child.type !== '\n') result.topLevelOperators.push(child.type);
  }
  const lastToken = root.children.filter((c) => c?.type !== 'comment').at(-1);
  result.endsWithSeparator = !!lastToken && !lastToken.isNamed;
  const statements = root.namedChildren.filter((c) => c?.type !== 'comment').length;
  if (statements - 1 > result.topLevelOperators.length) result.topLevelOperators.push('\n');
  for (const child of root.namedChildren) {
    if (child && MISNESTED_LIST_PARENTS.has(child.type)) collectListOperators(child, result.topLevelOperators);
  }

  // Inside `( … )` or `$( … )` state changes stay in the subshell.
  const visit = (node: Node, inSubshell = false): void => {
    if (node.type === 'comment') {
      result.hasComment = true;
      return;
    }
    if (!node.isNamed) {
      if (node.type === '&') result.background = true;
      return;
    }
    if (node.type === 'command') {
      const nameNode = node.childForFieldName('name');
      const words = node.namedChildren
        .filter((c): c is Node => c !== null && c.type !== 'variable_assignment' && !c.type.endsWith('redirect'))
        .map((c) => (c.type === 'command_name' ? wordText(c.firstNamedChild ?? c) : wordText(c)));
      const name = nameNode?.text ?? '';
      // `\cd` is `cd`: a backslash only stops alias expansion.
      const builtin = plainBuiltinName(name);
      const plainName = nameNode?.firstNamedChild?.type === 'word';
      result.commands.push(name);
      result.commandWords.push(words);
      const errexitArgs = builtin === 'set' ? /(^|\s)-[a-z]*e|errexit|\$/ : builtin === 'trap' ? /\bERR\b|\$/i : /(?:)/;
      if (ERREXIT_BUILTINS.has(builtin) && errexitArgs.test(words.slice(1).join(' '))) result.errexit = true;
      if (!inSubshell && STATEFUL_BUILTINS.has(builtin)) result.leaks.push(builtin);
      else if (!inSubshell && !plainName) result.leaks.push(`a command named by an expansion (${name})`);
      for (const child of node.namedChildren) {
        if (child && child.type !== 'variable_assignment') visit(child, inSubshell);
      }
      return;
    }
    if (node.type === 'variable_assignment' || node.type === 'variable_assignments') {
      if (!inSubshell) result.leaks.push(`the assignment ${node.text}`);
      return;
    }
    // `${X:=v}` and `${X=v}` assign X when it is unset.
    if (!inSubshell && node.type === 'expansion' && node.children.some((c) => c?.type === ':=' || c?.type === '=')) {
      result.leaks.push(`the assignment in ${node.text}`);
    }
    if (!inSubshell && !PLAIN_NODES.has(node.type)) {
      result.leaks.push(node.type === 'ERROR' ? 'a syntax error' : `a ${node.type.replace(/_/g, ' ')}`);
    }
    const childInSubshell = inSubshell || node.type === 'subshell' || node.type === 'command_substitution';
    for (const child of node.children) if (child) visit(child, childInSubshell);
  };
  visit(root);
  tree.delete();
  return result;
}

/**
 * Nodes that can hold a list that is top-level for the shell. tree-sitter-bash reads `a || b > f`
 * as `(a || b) > f` and `a || b > f | c` as `(a || b > f) | c`, where a shell runs `a || (b > f)`
 * and `a || (b > f | c)`: `&&` and `||` bind more loosely than `|` and redirects.
 */
const MISNESTED_LIST_PARENTS = new Set(['list', 'redirected_statement', 'pipeline']);

function plainBuiltinName(name: string): string {
  return /^[\\a-z.]+$/.test(name) ? name.replace(/\\/g, '') : name;
}

function collectListOperators(list: Node, into: string[]): void {
  for (const child of list.children) {
    if (!child) continue;
    if (child.type === '&&' || child.type === '||') into.push(child.type);
    else if (MISNESTED_LIST_PARENTS.has(child.type)) collectListOperators(child, into);
  }
}

const GROUPING_NODES = new Set(['subshell', 'compound_statement', 'command_substitution', 'process_substitution']);

function hasLooseListOperator(node: Node): boolean {
  for (const child of node.children) {
    if (!child || GROUPING_NODES.has(child.type)) continue;
    if (child.type === '&&' || child.type === '||' || hasLooseListOperator(child)) return true;
  }
  return false;
}

/** One operand of a top-level `&&` chain, with offsets into the script. */
export interface ChainItem {
  text: string;
  start: number;
  end: number;
  /** Its words when it is a simple command (assignments before the name left out), else null. */
  words: string[] | null;
  /** Names of the variables assigned before the command name (`NODE_ENV=production npm ci`). */
  assigned: string[];
}

/**
 * The operands of the script when it is one `&&` chain (or a single command), else null.
 * `a && b && c` gives three items; `a; b`, `a || b` or a comment give null.
 */
export function analyzeChain(script: string): ChainItem[] | null {
  if (!parser) throw new Error('shell parser not loaded: await loadShellParser() first');
  const tree = parser.parse(script);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const root = tree.rootNode;
    if (root.hasError || root.childCount !== 1 || !root.firstChild?.isNamed) return null;
    const items: Node[] = [];
    const flatten = (node: Node): boolean => {
      if (node.type !== 'list') {
        items.push(node);
        return true;
      }
      const [left, operator, right] = node.children;
      if (!left || !right || operator?.type !== '&&') return false;
      return flatten(left) && flatten(right);
    };
    if (!flatten(root.firstChild)) return null;
    // tree-sitter-bash nests `a || b > f` as `(a || b) > f`: an `&&`/`||` inside an item that is
    // not in a subshell, group or substitution is really top-level, so this is no plain chain.
    if (items.some((item) => item.type !== 'command' && hasLooseListOperator(item))) return null;
    return items.map((item) => ({
      text: item.text,
      start: item.startIndex,
      end: item.endIndex,
      words:
        item.type === 'command'
          ? item.namedChildren
              .filter((c): c is Node => c !== null && c.type !== 'variable_assignment' && !c.type.endsWith('redirect'))
              .map((c) => (c.type === 'command_name' ? wordText(c.firstNamedChild ?? c) : wordText(c)))
          : null,
      assigned: item.namedChildren
        .filter((c): c is Node => c?.type === 'variable_assignment')
        .map((c) => c.childForFieldName('name')?.text ?? c.text),
    }));
  } finally {
    tree.delete();
  }
}

/** One word of a simple command, with its offsets in the script. */
export interface WordSpan {
  /** The word as the command sees it when it is a plain string (quotes removed), else as written. */
  text: string;
  start: number;
  end: number;
}

/**
 * Every simple command of a script (nested ones included, in source order), each as its words
 * with their offsets, assignments and redirects left out.
 */
export function analyzeCommandSpans(script: string): WordSpan[][] {
  if (!parser) throw new Error('shell parser not loaded: await loadShellParser() first');
  const tree = parser.parse(script);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const commands: WordSpan[][] = [];
  const visit = (node: Node): void => {
    if (node.type === 'command') {
      commands.push(
        node.namedChildren
          .filter((c): c is Node => c !== null && c.type !== 'variable_assignment' && !c.type.endsWith('redirect'))
          .map((c) => {
            const word = c.type === 'command_name' ? (c.firstNamedChild ?? c) : c;
            return { text: wordText(word), start: word.startIndex, end: word.endIndex };
          }),
      );
    }
    for (const child of node.children) if (child) visit(child);
  };
  try {
    visit(tree.rootNode);
  } finally {
    tree.delete();
  }
  return commands;
}
