/**
 * A real IMAP server for tests: Debian's Dovecot (`apt-get install -y dovecot-imapd`), started on a
 * free port on 127.0.0.1 with a generated config in a fresh temp dir, so several instances can run
 * side by side and none touches the machine's own /etc/dovecot or /var/mail.
 *
 *   const imap = await startDovecot({ users: [{ user: 'support@example.test', pass: 'pw' }] });
 *   await imap.append('support@example.test', 'INBOX', rawMessage);
 *   ... point the code under test at imap.host / imap.port ...
 *   await imap.stop();
 *
 * Mail is stored as Maildir under `<dir>/mail/<user>`, folders use `/` as the hierarchy separator,
 * and `Sent` and `Trash` (special-use) exist from the first login. As root (CI) mail and login
 * processes run as Dovecot's own `dovecot` / `dovenull` users, since Dovecot will not run them as
 * root; as any other user everything runs as that user.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { accessSync, chownSync, constants as fsConstants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { appendFile, chmod, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';

export interface MailUser {
  user: string;
  pass: string;
}

export interface StoredMessage {
  uid: number;
  /** Sorted; without the session-dependent `\Recent`. */
  flags: string[];
  subject: string | undefined;
  messageId: string | undefined;
}

export interface FolderStatus {
  messages: number;
  uidNext: number;
  uidValidity: bigint;
}

export interface ChangeUidValidityOptions {
  /**
   * true (default): throw the folder's UID list and index away, as when a server loses or rebuilds
   * its index. Dovecot then gives the folder a new UIDVALIDITY and numbers the messages again from
   * UID 1 (same messages, same flags, new UIDs). false: only change UIDVALIDITY; UIDs stay.
   */
  renumber?: boolean;
  /** Set exactly this UIDVALIDITY (default: whatever differs from the old one). */
  uidValidity?: number;
  /** Drop the user's IMAP connections afterwards (default true), so clients reconnect and see the change. */
  disconnect?: boolean;
}

export interface RunningDovecot {
  host: '127.0.0.1';
  port: number;
  /** The accounts that can log in (a live list: addUser appends to it). */
  users: MailUser[];
  /** Temp dir holding config, log, sockets and mail; removed by stop(). */
  dir: string;
  configPath: string;
  logPath: string;
  /** IMAP connection options for a user (plain IMAP, no TLS), e.g. for the code under test. */
  imapOptions(user: string): ImapFlowOptions;
  /** A new, not yet connected imapflow client logged in as `user` (logger off unless given). */
  client(user: string, extra?: Partial<ImapFlowOptions>): ImapFlow;
  /** APPENDs a raw RFC 822 message, creating the folder if needed; returns its UID and the folder's UIDVALIDITY. */
  append(user: string, folder: string, rawMessage: string | Buffer, flags?: string[], internalDate?: Date): Promise<{ uid: number; uidValidity: bigint }>;
  /** Messages in a folder in UID order ([] if the folder does not exist). */
  list(user: string, folder: string): Promise<StoredMessage[]>;
  /** Folder paths of a user, e.g. ['INBOX', 'Sent', 'Trash', 'Archive/2024']. */
  folders(user: string): Promise<string[]>;
  createFolder(user: string, folder: string): Promise<void>;
  status(user: string, folder: string): Promise<FolderStatus>;
  /** Adds an account; Dovecot re-reads its passwd-file, so it works at once. */
  addUser(user: string, pass: string): Promise<void>;
  /** Drops every IMAP connection of `user` (of everyone without it), like a server restart would. Resolves with the number of users kicked. */
  kickConnections(user?: string): Promise<number>;
  /**
   * Gives a folder a new UIDVALIDITY and then drops the user's IMAP connections (unless
   * `disconnect: false`); the new value shows on the next SELECT / STATUS. Resolves with the
   * old and the new value.
   */
  changeUidValidity(user: string, folder: string, options?: ChangeUidValidityOptions): Promise<{ before: bigint; after: bigint }>;
  /** Runs `doveadm -c <config> ...args` and returns its stdout. */
  doveadm(...args: string[]): Promise<string>;
  /** The tail of Dovecot's log, for failure messages. */
  logTail(lines?: number): string;
  /** Stops Dovecot and removes `dir`. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartDovecotOptions {
  users?: MailUser[];
}

const HOST = '127.0.0.1';
const INSTALL_HINT =
  'Dovecot is not installed, and the e-mail tests run a real IMAP server. Install it with ' +
  '`apt-get install -y dovecot-imapd` (Debian/Ubuntu; .ci/run does this in CI).';
const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SEARCH_DIRS];
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, fsConstants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Whether Dovecot (dovecot and doveadm) is installed on this machine. */
export function dovecotInstalled(): boolean {
  return findBinary('dovecot') !== undefined && findBinary('doveadm') !== undefined;
}

interface Account {
  name: string;
  uid: number;
  gid: number;
  group: string;
}

/** Who mail and login processes run as: Dovecot's users when we are root, ourselves otherwise. */
function accounts(): { root: boolean; internal: Account; login: Account; mail: Account } {
  const uid = process.getuid?.() ?? -1;
  const lookup = (name: string): Account => {
    try {
      const id = (flag: string) => execFileSync('id', [flag, name], { encoding: 'utf8' }).trim();
      return { name, uid: Number(id('-u')), gid: Number(id('-g')), group: id('-gn') };
    } catch (err) {
      throw new Error(`system user "${name}" is missing; it comes with the dovecot-core package. ${INSTALL_HINT}`, { cause: err });
    }
  };
  if (uid === 0) {
    const dovecot = lookup('dovecot');
    return { root: true, internal: dovecot, login: lookup('dovenull'), mail: dovecot };
  }
  const me = lookup(execFileSync('id', ['-un'], { encoding: 'utf8' }).trim());
  return { root: false, internal: me, login: me, mail: me };
}

/**
 * Whether a process still runs. The daemonized master is not our child, so once it exits it stays a
 * zombie until init reaps it (which can take a second): count that as gone.
 */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    try {
      process.kill(pid, 0); // no /proc
      return true;
    } catch {
      return false;
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function q(value: string): string {
  if (/["\\\n]/.test(value)) throw new Error(`unsupported character in Dovecot config value: ${value}`);
  return `"${value}"`;
}

function checkCredentials(user: string, pass: string): void {
  if (!user || /[:\s/]/.test(user) || user.startsWith('.')) throw new Error(`unsupported IMAP user name: ${JSON.stringify(user)}`);
  if (/[:\r\n]/.test(pass)) throw new Error('an IMAP password may not contain ":" or line breaks');
}

/** Services that chroot by default (besides imap-login), which only root can do. */
const NON_ROOT_CHROOTLESS = ['anvil', 'ipc', 'old-stats', 'aggregator', 'imap-urlauth-login'];

function renderConfig(o: { dir: string; port: number; usersFile: string; internal: Account; login: Account; mail: Account; root: boolean }): string {
  // Not root: nothing can chroot, and every service runs as us.
  const noChroot = o.root ? '' : '  chroot =\n';
  return `# Generated for one test run; see test/support/mail/dovecot.ts.
protocols = imap
listen = ${HOST}
base_dir = ${q(join(o.dir, 'run'))}
state_dir = ${q(join(o.dir, 'state'))}
instance_name = dovecot-test-${o.port}
log_path = ${q(join(o.dir, 'dovecot.log'))}
info_log_path = ${q(join(o.dir, 'dovecot.log'))}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %u
auth_failure_delay = 0
auth_cache_size = 0
default_internal_user = ${o.internal.name}
default_internal_group = ${o.internal.group}
default_login_user = ${o.login.name}
first_valid_uid = ${o.mail.uid}
last_valid_uid = ${o.mail.uid}
mail_location = maildir:${join(o.dir, 'mail')}/%u
mail_fsync = never
mail_max_userip_connections = 100
mailbox_idle_check_interval = 1 secs
shutdown_clients = yes

passdb {
  driver = passwd-file
  args = ${q(o.usersFile)}
}
userdb {
  driver = passwd-file
  args = ${q(o.usersFile)}
}

namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
}

# No auth penalty: by default every failed login from 127.0.0.1 delays the next logins (anyone's)
# by up to 15 s, which would make one wrong-password test slow down the rest of the run.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

service imap-login {
  inet_listener imap {
    address = ${HOST}
    port = ${o.port}
  }
  inet_listener imaps {
    port = 0
  }
${noChroot}}
${o.root ? '' : NON_ROOT_CHROOTLESS.map((name) => `service ${name} {\n  chroot =\n}\n`).join('')}`;
}

/**
 * Runs a command that forks a daemon and resolves with its exit code. Output goes to a file: the
 * daemon inherits the descriptors, and a pipe would stay open (and execFile waiting) as long as it runs.
 */
async function daemonize(file: string, args: string[], outputFile: string): Promise<number> {
  const out = await open(outputFile, 'a');
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(file, args, { stdio: ['ignore', out.fd, out.fd] });
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  } finally {
    await out.close();
  }
}

/** Resolves once Dovecot answers with its real greeting (not "Waiting for authentication process"). */
async function waitForGreeting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, HOST);
        let buffer = '';
        const timer = setTimeout(() => finish(new Error('no greeting')), Math.max(200, deadline - Date.now()));
        const finish = (err?: Error) => {
          clearTimeout(timer);
          socket.destroy();
          if (err) reject(err);
          else resolve();
        };
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          buffer += chunk;
          for (const line of buffer.split('\r\n')) {
            if (line.startsWith('* OK') && line.includes('[CAPABILITY')) {
              socket.write('a LOGOUT\r\n');
              return finish();
            }
          }
        });
        socket.on('error', finish);
        socket.on('close', () => finish(new Error(`closed before the greeting: ${JSON.stringify(buffer)}`)));
      });
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`Dovecot on ${HOST}:${port} did not greet within ${timeoutMs} ms: ${(lastError as Error)?.message}`);
}

function isMissingFolder(err: unknown): boolean {
  const e = err as { serverResponseCode?: string; responseText?: string };
  return e?.serverResponseCode === 'NONEXISTENT' || /doesn't exist|does not exist/i.test(e?.responseText ?? '');
}

export async function startDovecot(options: StartDovecotOptions = {}): Promise<RunningDovecot> {
  const dovecotBin = findBinary('dovecot');
  const doveadmBin = findBinary('doveadm');
  if (!dovecotBin || !doveadmBin) throw new Error(INSTALL_HINT);
  const who = accounts();
  const users: MailUser[] = [];

  const dir = await mkdtemp(join(tmpdir(), 'dovecot-test-'));
  const configPath = join(dir, 'dovecot.conf');
  const logPath = join(dir, 'dovecot.log');
  const usersFile = join(dir, 'users');
  const startLog = join(dir, 'start.log');
  const pidFile = join(dir, 'run', 'master.pid');
  const mailDir = join(dir, 'mail');
  const homeDir = join(dir, 'home');

  const userLine = (user: string, pass: string) => {
    const home = join(homeDir, user);
    mkdirSync(home, { recursive: true });
    if (who.root) chownSync(home, who.mail.uid, who.mail.gid);
    return `${user}:{PLAIN}${pass}:${who.mail.uid}:${who.mail.gid}::${home}::\n`;
  };
  const addUser = async (user: string, pass: string) => {
    checkCredentials(user, pass);
    if (users.some((u) => u.user === user)) throw new Error(`IMAP user ${user} exists already`);
    await appendFile(usersFile, userLine(user, pass));
    users.push({ user, pass });
  };
  const logTail = (lines = 20) => {
    try {
      return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };

  let port = 0;
  let masterPid: number | undefined;
  /** The master's pid, once its pid file is there. */
  const pid = () => {
    if (!masterPid) {
      try {
        masterPid = Number(readFileSync(pidFile, 'utf8').trim()) || undefined;
      } catch {
        // not written (yet)
      }
    }
    return masterPid;
  };
  const signal = (sig: NodeJS.Signals) => {
    const target = pid();
    if (!target) return false;
    try {
      process.kill(target, sig);
      return true;
    } catch {
      return false; // gone already
    }
  };
  // The test process is going away without stop(): don't leave a daemon behind.
  const killOnExit = () => void signal('SIGTERM');
  /** SIGTERM, then wait for the master (it takes its children along, the log process last, ~1 s). */
  const terminate = async () => {
    process.removeListener('exit', killOnExit);
    if (!signal('SIGTERM')) return;
    const deadline = Date.now() + 5000;
    while (running(masterPid!)) {
      if (Date.now() > deadline) {
        signal('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const cleanupDir = () => rm(dir, { recursive: true, force: true, maxRetries: 3 });

  try {
    // The mail processes (uid dovecot) must reach <dir>/mail.
    await chmod(dir, 0o755);
    for (const sub of [join(dir, 'run'), join(dir, 'state'), mailDir, homeDir]) mkdirSync(sub, { recursive: true });
    if (who.root) {
      chownSync(mailDir, who.mail.uid, who.mail.gid);
      chownSync(homeDir, who.mail.uid, who.mail.gid);
    }
    await writeFile(usersFile, '', { mode: 0o644 });
    for (const { user, pass } of options.users ?? [{ user: 'support@example.test', pass: 'support-password' }]) await addUser(user, pass);

    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      await writeFile(configPath, renderConfig({ dir, port, usersFile, ...who }));
      const code = await daemonize(dovecotBin, ['-c', configPath], startLog);
      if (code === 0) break;
      const why = `${(await readFile(startLog, 'utf8').catch(() => '')).trim()}\n${logTail(5)}`;
      // Someone took the port between freePort() and Dovecot's bind: try another one.
      if (attempt < 3 && /Address already in use/i.test(why)) continue;
      throw new Error(`dovecot -c ${configPath} failed (exit ${code}): ${why}`);
    }
    process.once('exit', killOnExit);
    // The forked master writes its pid file a moment after the command returns.
    for (let i = 0; !pid(); i++) {
      if (i > 200) throw new Error(`Dovecot wrote no ${pidFile}: ${logTail(5)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    await waitForGreeting(port, 10_000);
  } catch (err) {
    await terminate();
    await cleanupDir();
    throw err;
  }

  const doveadm = async (...args: string[]) => {
    const res = await run(doveadmBin, ['-c', configPath, ...args]);
    if (res.code !== 0) throw Object.assign(new Error(`doveadm ${args.join(' ')} failed (exit ${res.code}): ${res.stderr.trim() || res.stdout.trim()}`), { exitCode: res.code });
    return res.stdout;
  };

  const passwordOf = (user: string) => {
    const found = users.find((u) => u.user === user);
    if (!found) throw new Error(`unknown IMAP user ${user} (known: ${users.map((u) => u.user).join(', ')})`);
    return found.pass;
  };
  const imapOptions = (user: string): ImapFlowOptions => ({ host: HOST, port, secure: false, auth: { user, pass: passwordOf(user) } });
  const client = (user: string, extra: Partial<ImapFlowOptions> = {}) => new ImapFlow({ ...imapOptions(user), logger: false, ...extra });

  /** Connects, runs `fn`, logs out (or closes, if the connection went bad). */
  const withClient = async <T>(user: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = client(user, { disableAutoIdle: true });
    c.on('error', () => undefined); // surfaced through the awaited command instead
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.logout().catch(() => c.close());
    }
  };

  const ensureFolder = async (c: ImapFlow, folder: string) => {
    if (folder.toUpperCase() !== 'INBOX') await c.mailboxCreate(folder); // { created: false } if it exists
  };

  const status = async (user: string, folder: string): Promise<FolderStatus> =>
    withClient(user, async (c) => {
      const s = await c.status(folder, { messages: true, uidNext: true, uidValidity: true });
      if (!s) throw new Error(`STATUS ${folder} failed for ${user}`);
      return { messages: s.messages ?? 0, uidNext: s.uidNext ?? 0, uidValidity: BigInt(s.uidValidity ?? 0) };
    });

  const kickConnections = async (user?: string): Promise<number> => {
    try {
      // Prints the kicked users and "kicked connections from the following users:".
      const out = await doveadm('kick', user ?? '*');
      return new Set(out.replace(/kicked connections from the following users:/i, ' ').split(/\s+/).filter(Boolean)).size;
    } catch (err) {
      if ((err as { exitCode?: number }).exitCode === 68) return 0; // "no users kicked"
      throw err;
    }
  };

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await terminate();
      await cleanupDir();
    })());

  return {
    host: HOST,
    port,
    users,
    dir,
    configPath,
    logPath,
    imapOptions,
    client,

    append: (user, folder, rawMessage, flags = [], internalDate) =>
      withClient(user, async (c) => {
        await ensureFolder(c, folder);
        const res = await c.append(folder, rawMessage, flags, internalDate);
        if (!res || res.uid === undefined || res.uidValidity === undefined) throw new Error(`APPEND to ${folder} for ${user} failed`);
        return { uid: res.uid, uidValidity: BigInt(res.uidValidity) };
      }),

    list: (user, folder) =>
      withClient(user, async (c) => {
        let exists: number;
        try {
          exists = (await c.mailboxOpen(folder, { readOnly: true })).exists;
        } catch (err) {
          if (isMissingFolder(err)) return [];
          throw err;
        }
        if (exists === 0) return [];
        const out: StoredMessage[] = [];
        for await (const m of c.fetch('1:*', { uid: true, flags: true, envelope: true })) {
          out.push({
            uid: m.uid,
            flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
            subject: m.envelope?.subject,
            messageId: m.envelope?.messageId,
          });
        }
        return out.sort((a, b) => a.uid - b.uid);
      }),

    folders: (user) => withClient(user, async (c) => (await c.list()).map((f) => f.path)),

    createFolder: (user, folder) => withClient(user, (c) => ensureFolder(c, folder)),

    status,

    async addUser(user, pass) {
      await addUser(user, pass);
      // passwd-file is re-read when it changed, but at most once a second: wait until the user is
      // known (a userdb lookup; a failing password check would be slowed down on purpose).
      const deadline = Date.now() + 3000;
      for (;;) {
        const res = await run(doveadmBin, ['-c', configPath, 'user', user]);
        if (res.code === 0) return;
        if (Date.now() > deadline) throw new Error(`Dovecot still does not know the new user ${user}: ${res.stdout.trim()} ${res.stderr.trim()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },

    kickConnections,

    async changeUidValidity(user, folder, opts = {}) {
      const before = (await status(user, folder)).uidValidity;
      if (opts.renumber ?? true) {
        // Dovecot keeps UIDs in dovecot-uidlist and dovecot.index*; without them it rescans the
        // Maildir and starts over: new UIDVALIDITY, UIDs from 1 in delivery order, flags kept.
        const path = (await doveadm('mailbox', 'path', '-u', user, folder)).trim();
        if (!path || !existsSync(path)) throw new Error(`no Maildir for ${user} ${folder} (${path})`);
        for (const file of await readdir(path)) {
          if (file === 'dovecot-uidlist' || file.startsWith('dovecot.index')) await rm(join(path, file), { force: true });
        }
      }
      let after = (await status(user, folder)).uidValidity;
      const wanted = opts.uidValidity !== undefined ? BigInt(opts.uidValidity) : after === before ? before + 1n : undefined;
      if (wanted !== undefined && wanted !== after) {
        await doveadm('mailbox', 'update', '-u', user, '--uid-validity', String(wanted), folder);
        after = (await status(user, folder)).uidValidity;
      }
      // Sessions that had the folder open now hold a stale index: Dovecot cuts them on their next
      // command, but one sitting in IDLE can stay stuck. Cut them all now, as a server would.
      if (opts.disconnect ?? true) await kickConnections(user);
      return { before, after };
    },

    doveadm,
    logTail,
    stop,
  };
}
