// A keychain that is there but cannot serve: locked, stopped, or without a keyring. Each case
// runs in a D-Bus session of its own, so the shared one is never left broken.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';
import { inFreshSession, PX as PX_BIN, sessionBus } from './session.js';

let project: TempProject;
beforeEach(() => {
  sessionBus();
  project = tempProject();
});
afterEach(() => project.cleanup());

const UNLOCK = 'printf %s px-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null';
const PX = '"$NODE" "$PX"';

/** Exit codes the script echoed as `label=code`. */
const codes = (stdout: string): Record<string, number> =>
  Object.fromEntries([...stdout.matchAll(/^(\w[\w-]*)=(\d+)$/gm)].map((match) => [match[1], Number(match[2])]));

it('a locked keyring: list, set and deploy exit 4 saying it is locked', () => {
  const result = inFreshSession(
    `${UNLOCK}
    printf x | ${PX} creds set FLY_API_TOKEN >/dev/null; echo "before=$?"
    dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets org.freedesktop.Secret.Service.LockService >/dev/null; echo "lock=$?"
    ${PX} creds list; echo "list=$?"
    printf x | ${PX} creds set OTHER_TOKEN; echo "set=$?"
    ${PX} deploy -- "$NODE" -e 'console.log("deployed")'; echo "deploy=$?"`,
    project.env,
    project.root,
  );
  expect(codes(result.stdout), result.stderr).toEqual({ before: 0, lock: 0, list: 4, set: 4, deploy: 4 });
  expect(result.stdout).not.toContain('deployed');
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
  expect(errors).toHaveLength(3);
  for (const error of errors) expect(error).toMatch(/^error: The OS keychain is not available \(it is locked\): .*\.$/);
});

it('a stopped keychain daemon: px gives up with exit 4 instead of hanging', () => {
  const result = inFreshSession(
    `${UNLOCK}
    printf x | ${PX} creds set FLY_API_TOKEN >/dev/null; echo "before=$?"
    pid=$(dbus-send --session --dest=org.freedesktop.DBus --print-reply=literal /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '{print $2}')
    kill -STOP "$pid"
    ${PX} creds list; echo "list=$?"
    printf x | ${PX} creds set OTHER_TOKEN; echo "set=$?"
    kill -CONT "$pid"`,
    project.env,
    project.root,
  );
  expect(codes(result.stdout), result.stderr).toEqual({ before: 0, list: 4, set: 4 });
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
  expect(errors).toHaveLength(2);
  for (const error of errors) expect(error).toMatch(/^error: The OS keychain is not available \(.*did not answer.*\): /);
});

it('a Secret Service without a keyring: set exits 4 and says so', () => {
  const result = inFreshSession(`printf x | ${PX} creds set FLY_API_TOKEN; echo "set=$?"`, project.env, project.root);
  expect(codes(result.stdout), result.stderr).toEqual({ set: 4 });
  expect(result.stderr).toMatch(/^error: The OS keychain is not available \(the Secret Service has no default keyring to store items in\): /m);
});

it('a Secret Service that cannot start, on a bus that answers: one sentence saying so, exit 4, no stack trace', () => {
  // A session bus of its own whose only service is a Secret Service that exits at once.
  const base = mkdtempSync(join(tmpdir(), 'px-keychain-broken-'));
  try {
    mkdirSync(join(base, 'services'));
    writeFileSync(join(base, 'services', 'org.freedesktop.secrets.service'), '[D-BUS Service]\nName=org.freedesktop.secrets\nExec=/bin/false\n');
    writeFileSync(
      join(base, 'session.conf'),
      `<busconfig><type>session</type><listen>unix:tmpdir=${base}</listen><auth>EXTERNAL</auth><servicedir>${join(base, 'services')}</servicedir>` +
        '<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>',
    );
    const script = `printf x | ${PX} creds set FLY_API_TOKEN; echo "set=$?"; ${PX} creds list; echo "list=$?"`;
    const result = spawnSync('dbus-run-session', [`--config-file=${join(base, 'session.conf')}`, '--', 'bash', '-c', script], {
      cwd: project.root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...project.env, PX: PX_BIN, NODE: process.execPath },
    });
    expect(codes(result.stdout), result.stderr).toEqual({ set: 4, list: 4 });
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toMatch(/^error: The OS keychain is not available \(the Secret Service could not be started: the program the D-Bus session starts for it exited\): start a Secret Service/);
    }
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toMatch(/did not answer/);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
