// Tool failures the model should read as one line. Tools throw ToolError; runTool turns any
// throw into `{ isError: true, content }`. The messages that more than one tool uses live here.

/** A failure whose message is already fit for the model: one line, names the path or setting. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

export const toolErrors = {
  escape: (p: string) => new ToolError(`path escapes the workspace: ${p}`),
  notFound: (p: string) => new ToolError(`not found: ${p}`),
  notAFile: (p: string) => new ToolError(`not a regular file: ${p}`),
  isDirectory: (p: string, hint: string) => new ToolError(`is a directory: ${p} (${hint})`),
  notADirectory: (p: string) => new ToolError(`not a directory: ${p}`),
  binary: (p: string) => new ToolError(`refusing to read binary file: ${p}`),
  invalidArgs: (tool: string, why: string) => new ToolError(`invalid arguments for ${tool}: ${why}`),
  aborted: (tool: string) => new ToolError(`${tool} was aborted`),
};

/** Maps a node fs error to a one-line ToolError naming `p`; anything else passes through. */
export function fsError(err: unknown, p: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case "ENOENT":
      return toolErrors.notFound(p);
    case "EACCES":
    case "EPERM":
      return new ToolError(`permission denied: ${p}`);
    case "ENOTDIR":
      return toolErrors.notADirectory(p);
    case "EISDIR":
      return toolErrors.isDirectory(p, "expected a file");
    case "ELOOP":
      return new ToolError(`too many symbolic links: ${p}`);
    default:
      return err;
  }
}

/** One line, whatever the error: the model reads it and so does a log grep. */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim() || "unknown error";
}
