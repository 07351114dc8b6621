// Decides whether `exec` may run a command under `tools.exec.security`. In "allowlist" mode a
// small shell lexer splits the command into simple commands (on `|`, `&&`, `||`, `;`, `&`,
// newlines, subshell parens) and every program must be listed; constructs whose effect cannot be
// read off the text (command/process substitution, here-documents, env prefixes) are refused.
import path from "node:path";
import type { ExecSecurity } from "./types.js";
import { resolveInWorkspace } from "./workspace-path.js";

/**
 * Programs allowed by default. Tradeoff: `git`, `node` and `python3` are here because an agent is
 * nearly useless without them, but they (like `find -exec`, `awk system()`, `sed e`, git aliases)
 * can run anything, so this list stops accidents and casual misuse, not a determined model. Use
 * "deny", or drop them from `tools.exec.allowlist`, when that matters; sandboxing is a separate layer.
 */
export const DEFAULT_EXEC_ALLOWLIST: readonly string[] = [
  "ls", "cat", "head", "tail", "wc", "grep", "rg", "find", "echo", "pwd", "date", "sort", "uniq", "cut", "tr",
  "sed", "awk", "diff", "stat", "file", "basename", "dirname", "mkdir", "touch", "cp", "mv", "jq", "git", "node",
  "python3",
];

const PRIVILEGED = new Set(["sudo", "su", "doas"]);
// Reserved words that only introduce or close a command; the program is the next word.
const PASS_THROUGH = new Set(["if", "then", "elif", "else", "fi", "while", "until", "do", "done", "{", "}", "!"]);
const UNSUPPORTED = new Set(["case", "esac", "function", "coproc", "select"]);
const SAFE_DEVICES = new Set(["/dev/null", "/dev/stdout", "/dev/stderr"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const DYNAMIC = /[*?[\]~]/;

// `dollar`: has a `$` expansion; `glob`: has unquoted glob or tilde characters.
type Word = { kind: "word"; value: string; dollar: boolean; glob: boolean };
type Token = Word | { kind: "op"; value: string } | { kind: "redirect"; op: string };

/** Thrown by the lexer; carries the refusal text (without the common prefix). */
class Refusal extends Error {}

const mode = `when tools.exec.security is "allowlist"`;
const refusals = {
  substitution: () => new Refusal(`command substitution ($(...) or backticks) is not allowed ${mode}`),
  processSubstitution: () => new Refusal(`process substitution (<(...) or >(...)) is not allowed ${mode}`),
  heredoc: () => new Refusal(`here-documents (<<) are not supported ${mode}; write the text to a file first`),
  unterminated: () => new Refusal("unterminated quote in command"),
};

function lex(cmd: string): Token[] {
  const tokens: Token[] = [];
  let word = "";
  let inWord = false;
  let quoted = false;
  let dollar = false;
  let glob = false;
  const flush = () => {
    if (inWord) tokens.push({ kind: "word", value: word, dollar, glob });
    word = "";
    inWord = quoted = dollar = glob = false;
  };
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    const next = cmd[i + 1];
    if (c === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end === -1) throw refusals.unterminated();
      word += cmd.slice(i + 1, end);
      inWord = quoted = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < cmd.length && cmd[j] !== '"'; j++) {
        const d = cmd[j]!;
        if (d === "`" || (d === "$" && cmd[j + 1] === "(")) throw refusals.substitution();
        if (d === "\\" && j + 1 < cmd.length && '"$`\\\n'.includes(cmd[j + 1]!)) {
          if (cmd[j + 1] !== "\n") word += cmd[j + 1];
          j++;
          continue;
        }
        if (d === "$") dollar = true;
        word += d;
      }
      if (j >= cmd.length) throw refusals.unterminated();
      inWord = quoted = true;
      i = j;
    } else if (c === "\\") {
      if (next !== undefined && next !== "\n") {
        word += next;
        inWord = quoted = true;
      }
      i++;
    } else if (c === "`" || (c === "$" && next === "(")) {
      throw refusals.substitution();
    } else if ((c === "<" || c === ">") && next === "(") {
      throw refusals.processSubstitution();
    } else if (c === " " || c === "\t") {
      flush();
    } else if (c === "#" && !inWord) {
      const nl = cmd.indexOf("\n", i);
      i = nl === -1 ? cmd.length : nl - 1;
    } else if (c === "<" || c === ">" || (c === "&" && next === ">")) {
      // `2>` is one redirect: a bare number right before it is the fd, not an argument.
      if (inWord && !quoted && /^\d+$/.test(word)) {
        word = "";
        inWord = false;
      } else flush();
      const three = cmd.slice(i, i + 3);
      const two = cmd.slice(i, i + 2);
      const op = ["&>>", "<<<", "<<-"].includes(three) ? three : [">>", ">|", ">&", "<&", "<>", "<<", "&>"].includes(two) ? two : c;
      if (op === "<<" || op === "<<-") throw refusals.heredoc();
      tokens.push({ kind: "redirect", op });
      i += op.length - 1;
    } else if ("|&;\n()".includes(c)) {
      flush();
      const two = cmd.slice(i, i + 2);
      const op = ["||", "&&", "|&", ";;", ";&"].includes(two) ? two : c;
      tokens.push({ kind: "op", value: op });
      i += op.length - 1;
    } else {
      if (c === "$") dollar = true;
      if (DYNAMIC.test(c)) glob = true;
      word += c;
      inWord = true;
    }
  }
  flush();
  return tokens;
}

interface SimpleCommand {
  words: Word[];
  redirects: { op: string; target: Word }[];
}

function splitCommands(tokens: Token[]): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand = { words: [], redirects: [] };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === "op") {
      commands.push(current);
      current = { words: [], redirects: [] };
    } else if (token.kind === "redirect") {
      const target = tokens[++i];
      if (target?.kind !== "word") throw new Refusal(`redirect ${token.op} has no target`);
      current.redirects.push({ op: token.op, target });
    } else current.words.push(token);
  }
  commands.push(current);
  return commands.filter((c) => c.words.length > 0 || c.redirects.length > 0);
}

export interface ExecPolicyInput {
  security: ExecSecurity;
  allowlist: ReadonlySet<string>;
  workspace: string;
  /** Absolute working directory the command will run in (already inside the workspace). */
  cwd: string;
}

function checkProgram(command: SimpleCommand, allowlist: ReadonlySet<string>): void {
  let words = command.words;
  while (words.length > 0 && PASS_THROUGH.has(words[0]!.value)) words = words.slice(1);
  const first = words[0];
  if (!first) return;
  if (first.value === "for") return; // `for NAME in WORDS`: data, no program
  if (UNSUPPORTED.has(first.value)) throw new Refusal(`shell construct "${first.value}" is not supported ${mode}`);
  if (ASSIGNMENT.test(first.value)) {
    throw new Refusal(`environment assignments before a command (${first.value.split("=")[0]}=...) are not allowed ${mode}`);
  }
  if (PRIVILEGED.has(first.value)) throw new Refusal(`"${first.value}" is never allowed ${mode}`);
  if (first.dollar) throw new Refusal(`program name must be literal, not "${first.value}", ${mode}`);
  if (!allowlist.has(first.value)) {
    throw new Refusal(
      `"${first.value}" is not in the exec allowlist; add it to tools.exec.allowlist or set tools.exec.security to "full"`,
    );
  }
}

async function checkRedirect(op: string, target: Word, input: ExecPolicyInput): Promise<void> {
  if (op === "<<<") return; // a here-string's word is data
  if ((op === ">&" || op === "<&") && /^(\d+-?|-)$/.test(target.value)) return; // fd duplication: 2>&1
  if (SAFE_DEVICES.has(target.value)) return;
  if (target.dollar || target.glob) throw new Refusal(`redirect target must be a literal path, not "${target.value}", ${mode}`);
  try {
    await resolveInWorkspace(input.workspace, path.resolve(input.cwd, target.value));
  } catch {
    throw new Refusal(`redirect to "${target.value}" is outside the workspace (${mode})`);
  }
}

/** The refusal message for `command`, or undefined when it may run. */
export async function checkExecCommand(command: string, input: ExecPolicyInput): Promise<string | undefined> {
  if (input.security === "full") return undefined;
  if (input.security === "deny") return `exec refused: exec is disabled (tools.exec.security is "deny")`;
  try {
    for (const simple of splitCommands(lex(command))) {
      checkProgram(simple, input.allowlist);
      for (const { op, target } of simple.redirects) await checkRedirect(op, target, input);
    }
    return undefined;
  } catch (err) {
    if (err instanceof Refusal) return `exec refused: ${err.message}`;
    throw err;
  }
}
