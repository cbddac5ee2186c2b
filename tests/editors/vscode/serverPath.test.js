// The order in which the extension looks for `charter` (editors/vscode/src/serverPath.ts, bundled
// by run.sh into SERVER_PATH_MODULE): the setting, then the shipped binary, then PATH.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const { findServer, expandPath } = require(process.env.SERVER_PATH_MODULE);

const roots = [];
test.after(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

function tree() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'charter-serverpath-'));
  roots.push(root);
  const make = (rel, mode = 0o755) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\n');
    fs.chmodSync(file, mode);
    return file;
  };
  return { root, make };
}

test('the setting wins over the shipped binary and PATH', () => {
  const { root, make } = tree();
  const mine = make('mine/charter');
  make('ext/server/charter');
  make('bin/charter');
  const found = findServer({
    setting: mine,
    extensionPath: path.join(root, 'ext'),
    workspaceFolder: root,
    env: { PATH: path.join(root, 'bin') },
  });
  assert.deepEqual(found, { command: mine, source: 'setting' });
});

test('a setting naming a missing file is reported, not skipped', () => {
  const { root, make } = tree();
  make('bin/charter');
  const found = findServer({
    setting: path.join(root, 'nope/charter'),
    extensionPath: path.join(root, 'ext'),
    workspaceFolder: root,
    env: { PATH: path.join(root, 'bin') },
  });
  assert.equal(found.badSetting, path.join(root, 'nope/charter'));
  assert.equal(found.command, undefined);
});

test('a setting naming a file that is not executable is reported', () => {
  const { root, make } = tree();
  const file = make('mine/charter', 0o644);
  const found = findServer({ setting: file, extensionPath: root, workspaceFolder: root, env: {} });
  assert.equal(found.badSetting, file);
});

test('${workspaceFolder} and relative paths in the setting', () => {
  const { root, make } = tree();
  const file = make('tools/charter');
  for (const setting of ['${workspaceFolder}/tools/charter', './tools/charter']) {
    const found = findServer({ setting, extensionPath: root, workspaceFolder: root, env: {} });
    assert.deepEqual(found, { command: file, source: 'setting' }, setting);
  }
});

test('a bare name in the setting is looked up on PATH', () => {
  const { root, make } = tree();
  const file = make('bin/charter-dev');
  const found = findServer({
    setting: 'charter-dev',
    extensionPath: root,
    workspaceFolder: root,
    env: { PATH: path.join(root, 'bin') },
  });
  assert.deepEqual(found, { command: file, source: 'setting' });
});

test('without the setting, the shipped binary comes before PATH', () => {
  const { root, make } = tree();
  const shipped = make('ext/server/charter');
  make('bin/charter');
  for (const setting of [undefined, '', '  ']) {
    const found = findServer({
      setting,
      extensionPath: path.join(root, 'ext'),
      workspaceFolder: root,
      env: { PATH: path.join(root, 'bin') },
    });
    assert.deepEqual(found, { command: shipped, source: 'bundled' });
  }
});

test('a shipped binary that lost its executable bit gets it back', () => {
  const { root, make } = tree();
  const shipped = make('ext/server/charter', 0o644);
  const found = findServer({
    setting: undefined,
    extensionPath: path.join(root, 'ext'),
    workspaceFolder: root,
    env: {},
  });
  assert.deepEqual(found, { command: shipped, source: 'bundled' });
  assert.equal(fs.statSync(shipped).mode & 0o111, 0o111);
});

test('without the setting or a shipped binary, PATH', () => {
  const { root, make } = tree();
  const onPath = make('bin2/charter');
  const found = findServer({
    setting: undefined,
    extensionPath: path.join(root, 'ext'),
    workspaceFolder: root,
    env: { PATH: [path.join(root, 'bin1'), path.join(root, 'bin2')].join(path.delimiter) },
  });
  assert.deepEqual(found, { command: onPath, source: 'PATH' });
});

test('nothing found: says what was tried, in order', () => {
  const { root } = tree();
  const found = findServer({
    setting: undefined,
    extensionPath: path.join(root, 'ext'),
    workspaceFolder: root,
    env: { PATH: path.join(root, 'bin') },
  });
  assert.equal(found.command, undefined);
  assert.equal(found.badSetting, undefined);
  assert.equal(found.tried.length, 2);
  assert.match(found.tried[0], /server[\\/]charter\)$/);
  assert.match(found.tried[1], /PATH/);
});

test('the shipped binary is charter.exe on Windows', () => {
  const { root } = tree();
  const found = findServer({
    setting: undefined,
    extensionPath: path.join(root, 'ext'),
    workspaceFolder: root,
    platform: 'win32',
    env: {},
  });
  assert.match(found.tried[0], /charter\.exe\)$/);
});

test('~ expands to the home folder', () => {
  assert.equal(expandPath('~/bin/charter', undefined), path.join(os.homedir(), 'bin/charter'));
  assert.equal(expandPath('/opt/~x', undefined), '/opt/~x');
});
