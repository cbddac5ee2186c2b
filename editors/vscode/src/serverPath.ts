// Where the `charter` program is: the `charter.server.path` setting, else a binary shipped inside
// the extension (`server/charter`, `server/charter.exe` on Windows), else `charter` on PATH.
// No VS Code API here, so the order can be reasoned about (and tested) on its own.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type ServerSource = 'setting' | 'bundled' | 'PATH';

export interface Found {
  command: string;
  source: ServerSource;
}

export interface NotFound {
  /** What was tried, in order, for the error message. */
  tried: string[];
  /** Set when `charter.server.path` names a file that is not there or not runnable. */
  badSetting?: string;
}

export interface Lookup {
  setting: string | undefined;
  extensionPath: string;
  workspaceFolder: string | undefined;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

const exe = (platform: NodeJS.Platform) => (platform === 'win32' ? 'charter.exe' : 'charter');

/** `~` at the start and `${workspaceFolder}` / `${userHome}` anywhere, as VS Code users expect. */
export function expandPath(value: string, workspaceFolder: string | undefined): string {
  let out = value.trim();
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = path.join(os.homedir(), out.slice(1));
  }
  out = out.replace(/\$\{userHome\}/g, os.homedir());
  if (workspaceFolder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  return out;
}

function isRunnable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

export function findServer(lookup: Lookup): Found | NotFound {
  const platform = lookup.platform ?? process.platform;
  const env = lookup.env ?? process.env;
  const tried: string[] = [];

  const setting = lookup.setting?.trim();
  if (setting) {
    let file = expandPath(setting, lookup.workspaceFolder);
    if (!path.isAbsolute(file) && (file.includes('/') || file.includes('\\'))) {
      file = path.resolve(lookup.workspaceFolder ?? process.cwd(), file);
    }
    if (path.isAbsolute(file)) {
      if (isRunnable(file, platform)) {
        return { command: file, source: 'setting' };
      }
      return { tried: [`charter.server.path: ${file}`], badSetting: file };
    }
    // A bare name such as `charter-nightly`: look it up on PATH.
    const onPath = searchPath(file, env, platform);
    if (onPath) {
      return { command: onPath, source: 'setting' };
    }
    return { tried: [`charter.server.path: ${file} (not on PATH)`], badSetting: file };
  }

  const bundled = path.join(lookup.extensionPath, 'server', exe(platform));
  tried.push(`the binary shipped with the extension (${bundled})`);
  if (platform !== 'win32' && !isRunnable(bundled, platform)) {
    // A .vsix unpacked by a tool that drops the executable bit: put it back.
    try {
      if (fs.statSync(bundled).isFile()) {
        fs.chmodSync(bundled, 0o755);
      }
    } catch {
      // not shipped, or read-only: fall through to PATH
    }
  }
  if (isRunnable(bundled, platform)) {
    return { command: bundled, source: 'bundled' };
  }

  tried.push('`charter` on PATH');
  const onPath = searchPath('charter', env, platform);
  if (onPath) {
    return { command: onPath, source: 'PATH' };
  }
  return { tried };
}

export function searchPath(
  name: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter((d) => d !== '');
  const exts =
    platform === 'win32'
      ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').map((e) => e.toLowerCase())]
      : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (isRunnable(file, platform)) {
        return file;
      }
    }
  }
  return undefined;
}
