// The VS Code client for Charter: starts `charter lsp` for policy files and use-case manifests,
// which stay in VS Code's own YAML language (so highlighting and other YAML extensions keep
// working), and passes the `charter.*` settings on.

import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

import { expandPath, findServer } from './serverPath';
import { registerTestCommand } from './testReport';

/** The files Charter reads, in the YAML language. */
export const documentSelector = [
  { language: 'yaml', pattern: '**/*.policy.{yaml,yml}' },
  { language: 'yaml', pattern: '**/*.usecases.{yaml,yml}' },
];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
/** The lines this extension wrote to the output channel (the last 200), for the test report. */
const logged: string[] = [];
let extensionPath: string;
/** Serialises starts and stops, so a restart in the middle of a start waits for it. */
let pending: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel('Charter');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('charter.restartServer', () => restart()),
    vscode.commands.registerCommand('charter.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('charter.server.path')) {
        log('charter.server.path changed: restarting the server');
        void restart();
      } else if (
        e.affectsConfiguration('charter.policyPaths') ||
        e.affectsConfiguration('charter.today')
      ) {
        void client?.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { charter: serverSettings() },
        });
      }
    }),
    { dispose: () => void stop() },
  );
  const report = process.env.CHARTER_TEST_REPORT;
  if (report) {
    registerTestCommand(context, report, () => client, log, () => [...logged]);
  }
  return queue(start);
}

export function deactivate(): Promise<void> {
  return queue(stop);
}

function log(line: string): void {
  output.appendLine(line);
  logged.push(line);
  if (logged.length > 200) {
    logged.shift();
  }
}

function queue(step: () => Promise<void>): Promise<void> {
  pending = pending.then(step, step);
  return pending;
}

function restart(): Promise<void> {
  return queue(async () => {
    await stop();
    await start();
  });
}

function firstFolder(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder?.uri.fsPath;
}

/** `policyPaths` and `today` as the server reads them (`initializationOptions` and section `charter`). */
export function serverSettings(): { policyPaths: string[]; today: string | null } {
  const config = vscode.workspace.getConfiguration('charter');
  const root = firstFolder();
  const policyPaths = (config.get<string[]>('policyPaths') ?? [])
    .filter((p) => typeof p === 'string' && p.trim() !== '')
    .map((p) => {
      const expanded = expandPath(p, root);
      return path.isAbsolute(expanded) || root === undefined
        ? expanded
        : path.resolve(root, expanded);
    });
  const today = (config.get<string>('today') ?? '').trim();
  return { policyPaths, today: today === '' ? null : today };
}

async function start(): Promise<void> {
  const setting = vscode.workspace.getConfiguration('charter').get<string>('server.path');
  const found = findServer({ setting, extensionPath, workspaceFolder: firstFolder() });
  if (!('command' in found)) {
    const message = found.badSetting
      ? `Charter: the language server \`${found.badSetting}\` set in charter.server.path does not exist or cannot be run.`
      : 'Charter: could not find the `charter` language server. Install it (`cargo install --path server` in the Charter repository) or set charter.server.path.';
    log(message);
    log(`Looked for: ${found.tried.join('; ')}`);
    void vscode.window.showErrorMessage(message, 'Open Setting', 'Show Output').then((choice) => {
      if (choice === 'Open Setting') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'charter.server.path');
      } else if (choice === 'Show Output') {
        output.show(true);
      }
    });
    return;
  }

  log(`Starting ${found.command} lsp (found via ${found.source})`);
  const run = {
    command: found.command,
    args: ['lsp'],
    options: { cwd: firstFolder(), env: process.env },
  };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    initializationOptions: serverSettings(),
    outputChannel: output,
    traceOutputChannel: output,
    middleware: {
      workspace: {
        // Answer `workspace/configuration` for section `charter` with the resolved settings.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, i) =>
            item.section === 'charter' ? serverSettings() : answers[i],
          );
        },
      },
    },
  };
  // The id `charter` makes vscode-languageclient read `charter.trace.server`.
  const next = new LanguageClient('charter', 'Charter', serverOptions, clientOptions);
  try {
    await next.start();
  } catch (e) {
    const message = `Charter: the language server ${found.command} failed to start: ${e instanceof Error ? e.message : String(e)}`;
    log(message);
    void vscode.window.showErrorMessage(message, 'Open Setting', 'Show Output').then((choice) => {
      if (choice === 'Open Setting') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'charter.server.path');
      } else if (choice === 'Show Output') {
        output.show(true);
      }
    });
    try {
      await next.dispose();
    } catch {
      // already down
    }
    return;
  }
  client = next;
  const info = next.initializeResult?.serverInfo;
  log(
    `Charter language server ${info?.name ?? 'charter'} ${info?.version ?? '(version not reported)'} running: ${found.command}`,
  );
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  if (current) {
    try {
      await current.stop(5000);
    } catch (e) {
      log(`Stopping the server: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
