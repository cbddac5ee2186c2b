// A command for end-to-end tests (tests/editors/vscode/run.sh), registered only when VS Code's
// server process has CHARTER_TEST_REPORT set: it opens the file named in the request
// (CHARTER_TEST_REQUEST, a JSON file), waits for its diagnostics, asks VS Code for a hover and a
// completion at the requested positions, the semantic tokens and the fix-all action (through the
// same providers a user's mouse, keyboard and on-save settings reach), and writes what it saw as
// JSON to CHARTER_TEST_REPORT.

import * as fs from 'fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

interface Position {
  line: number;
  character: number;
}

interface Request {
  file: string;
  hover: Position;
  completion: Position;
  /** Seconds to wait for each answer; 60 unless set. */
  timeout?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function codeOf(d: vscode.Diagnostic): string | number | undefined {
  const code = d.code;
  return typeof code === 'object' && code !== null ? code.value : code;
}

function hoverText(hovers: vscode.Hover[] | undefined): string[] {
  const out: string[] = [];
  for (const hover of hovers ?? []) {
    for (const part of hover.contents) {
      if (typeof part === 'string') {
        out.push(part);
      } else if ('value' in part) {
        out.push(part.value);
      }
    }
  }
  return out.filter((t) => t.trim() !== '');
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

async function waitFor<T>(
  what: () => Promise<T> | T,
  done: (value: T) => boolean,
  seconds: number,
): Promise<{ value: T; waitedMs: number }> {
  const startedAt = Date.now();
  let value = await what();
  while (!done(value) && Date.now() - startedAt < seconds * 1000) {
    await sleep(250);
    value = await what();
  }
  return { value, waitedMs: Date.now() - startedAt };
}

/** LSP's relative token encoding, decoded to absolute positions and legend names. */
function decodeTokens(answer: vscode.SemanticTokens | undefined, legend: vscode.SemanticTokensLegend) {
  const out: { line: number; character: number; length: number; type: string; modifiers: string[] }[] = [];
  const data = answer?.data ?? new Uint32Array();
  let line = 0;
  let character = 0;
  for (let i = 0; i + 4 < data.length; i += 5) {
    line += data[i];
    character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
    const modifiers = legend.tokenModifiers.filter((_, bit) => (data[i + 4] & (1 << bit)) !== 0);
    out.push({ line, character, length: data[i + 2], type: legend.tokenTypes[data[i + 3]], modifiers });
  }
  return out;
}

async function writeReport(
  reportPath: string,
  client: () => LanguageClient | undefined,
  log: (line: string) => void,
  logged: () => string[],
): Promise<void> {
  const requestPath = process.env.CHARTER_TEST_REQUEST ?? `${reportPath}.request.json`;
  const request = JSON.parse(fs.readFileSync(requestPath, 'utf8')) as Request;
  const timeout = request.timeout ?? 60;
  log(`Test report: opening ${request.file}`);

  const uri = vscode.Uri.file(request.file);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });

  const running = await waitFor(() => client()?.isRunning() ?? false, (r) => r, timeout);
  const diagnostics = await waitFor(
    () => vscode.languages.getDiagnostics(uri),
    (ds) => ds.length > 0,
    timeout,
  );
  const hoverAt = new vscode.Position(request.hover.line, request.hover.character);
  const hover = await waitFor(
    async () =>
      hoverText(
        await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          uri,
          hoverAt,
        ),
      ),
    (texts) => texts.length > 0,
    timeout,
  );
  const completionAt = new vscode.Position(request.completion.line, request.completion.character);
  const completion = await waitFor(
    async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        uri,
        completionAt,
      );
      return (list?.items ?? []).map(labelOf);
    },
    (labels) => labels.length > 0,
    // Completion comes after hover, so the server is warm: a shorter wait is enough.
    Math.min(timeout, 20),
  );

  const definition = await waitFor(
    async () => {
      const found = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
        'vscode.executeDefinitionProvider',
        uri,
        hoverAt,
      );
      return (found ?? []).map((l) => {
        const target = 'targetUri' in l ? l.targetUri : l.uri;
        const range = 'targetUri' in l ? (l.targetSelectionRange ?? l.targetRange) : l.range;
        return { uri: target.toString(), line: range.start.line, character: range.start.character };
      });
    },
    (locations) => locations.length > 0,
    Math.min(timeout, 20),
  );

  // Semantic tokens, as the editor colours them: decoded with the legend into
  // (line, character, length, type, modifiers).
  const legend = await vscode.commands.executeCommand<vscode.SemanticTokensLegend>(
    'vscode.provideDocumentSemanticTokensLegend',
    uri,
  );
  const tokens = await waitFor(
    async () => {
      const answer = await vscode.commands.executeCommand<vscode.SemanticTokens>(
        'vscode.provideDocumentSemanticTokens',
        uri,
      );
      return legend ? decodeTokens(answer, legend) : [];
    },
    (decoded) => decoded.length > 0,
    Math.min(timeout, 20),
  );

  // Fix-all, as `editor.codeActionsOnSave` asks for it: the kind, the title and the edits.
  const fixAll = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    new vscode.Range(0, 0, document.lineCount, 0),
    vscode.CodeActionKind.SourceFixAll.value,
  );
  const fixes = (fixAll ?? []).map((a) => ({
    kind: a.kind?.value,
    title: a.title,
    edits: (a.edit?.get(uri) ?? []).map((e) => ({
      line: e.range.start.line,
      character: e.range.start.character,
      replaced: document.getText(e.range),
      newText: e.newText,
    })),
  }));

  const info = client()?.initializeResult?.serverInfo;
  // Whether the server let VS Code pull diagnostics (it offers to when the client can).
  const pulled = client()?.initializeResult?.capabilities.diagnosticProvider !== undefined;

  // "Charter: Restart server": a new server comes up and publishes the diagnostics again.
  const before = client();
  await vscode.commands.executeCommand('charter.restartServer');
  const restarted = await waitFor(
    () => {
      const now = client();
      return now !== undefined && now !== before && now.isRunning();
    },
    (r) => r,
    timeout,
  );
  const afterRestart = await waitFor(
    () => vscode.languages.getDiagnostics(uri).length,
    (n) => n > 0,
    timeout,
  );
  const report = {
    vscodeVersion: vscode.version,
    server: { running: running.value, name: info?.name, version: info?.version },
    file: request.file,
    languageId: document.languageId,
    diagnostics: {
      waitedMs: diagnostics.waitedMs,
      items: diagnostics.value.map((d) => ({
        code: codeOf(d),
        severity: vscode.DiagnosticSeverity[d.severity],
        source: d.source,
        message: d.message,
        range: {
          start: { line: d.range.start.line, character: d.range.start.character },
          end: { line: d.range.end.line, character: d.range.end.character },
        },
      })),
    },
    hover: { position: request.hover, waitedMs: hover.waitedMs, contents: hover.value },
    completion: {
      position: request.completion,
      waitedMs: completion.waitedMs,
      labels: completion.value,
    },
    definition: { position: request.hover, waitedMs: definition.waitedMs, locations: definition.value },
    pulledDiagnostics: pulled,
    semanticTokens: { waitedMs: tokens.waitedMs, tokens: tokens.value },
    fixAll: fixes,
    restart: {
      running: restarted.value,
      waitedMs: restarted.waitedMs,
      diagnosticsAfter: afterRestart.value,
    },
    outputChannel: logged(),
  };
  const tmp = `${reportPath}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(report, null, 2));
  fs.renameSync(tmp, reportPath);
  log(
    `Test report written to ${reportPath}: ${report.diagnostics.items.length} diagnostics, ` +
      `${report.hover.contents.length} hover parts, ${report.completion.labels.length} completions`,
  );
}

export function registerTestCommand(
  context: vscode.ExtensionContext,
  reportPath: string,
  client: () => LanguageClient | undefined,
  log: (line: string) => void,
  logged: () => string[],
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('charter.test.writeReport', async () => {
      try {
        await writeReport(reportPath, client, log, logged);
      } catch (e) {
        const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
        log(`Test report failed: ${message}`);
        fs.writeFileSync(reportPath, JSON.stringify({ error: message }, null, 2));
      }
    }),
  );
  void vscode.commands.executeCommand('setContext', 'charter.testMode', true);
}
