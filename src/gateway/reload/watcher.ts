// Watches the config file and its $includes for edits. Directories are watched (not files), so
// an editor's or our own atomic rename-into-place is seen; a directory that cannot be watched
// (missing, or no inotify left) falls back to polling the file. Bursts are debounced into one
// callback.
import fs, { type FSWatcher } from "node:fs";
import path from "node:path";

export interface ConfigWatcherOptions {
  /** Read on every event, so a changed `gateway.reload.debounceMs` applies to the next burst. */
  debounceMs: () => number;
  onChange: () => void;
  onWarning?: (message: string) => void;
  pollIntervalMs?: number;
}

export class ConfigFileWatcher {
  readonly #opts: ConfigWatcherOptions;
  #watchers: FSWatcher[] = [];
  #polled: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #files: string[] = [];

  constructor(opts: ConfigWatcherOptions) {
    this.#opts = opts;
  }

  /** The files now watched. */
  get files(): readonly string[] {
    return this.#files;
  }

  /** (Re)watches exactly these files. */
  watch(files: string[]): void {
    const wanted = [...new Set(files.map((f) => path.resolve(f)))].sort();
    if (wanted.join("\0") === this.#files.join("\0")) return;
    this.#unwatch();
    this.#files = wanted;
    const byDir = new Map<string, Set<string>>();
    for (const file of wanted) {
      const dir = path.dirname(file);
      byDir.set(dir, (byDir.get(dir) ?? new Set()).add(path.basename(file)));
    }
    for (const [dir, names] of byDir) {
      try {
        const watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
          // Some platforms do not report the name; then any event in the directory counts.
          if (name === null || names.has(String(name))) this.#kick();
        });
        watcher.on("error", (err) => {
          this.#opts.onWarning?.(`config watcher for ${dir} failed (${err.message}); polling instead`);
          watcher.close();
          for (const name of names) this.#poll(path.join(dir, name));
        });
        this.#watchers.push(watcher);
      } catch {
        for (const name of names) this.#poll(path.join(dir, name));
      }
    }
  }

  #poll(file: string) {
    this.#polled.push(file);
    fs.watchFile(file, { persistent: false, interval: this.#opts.pollIntervalMs ?? 1000 }, (cur, prev) => {
      if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size || cur.ino !== prev.ino) this.#kick();
    });
  }

  #kick() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#opts.onChange(), Math.max(0, this.#opts.debounceMs()));
    this.#timer.unref();
  }

  #unwatch() {
    for (const w of this.#watchers) w.close();
    for (const f of this.#polled) fs.unwatchFile(f);
    this.#watchers = [];
    this.#polled = [];
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#unwatch();
    this.#files = [];
  }
}
