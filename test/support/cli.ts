/** The CLI as a user runs it: a child process, from the project folder, on a data dir of its own. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ENV } from '@paperboy/core';

const run = promisify(execFile);
export const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'packages', 'local', 'src', 'cli.ts')];

/** This process's environment without the settings a test passes itself, so only those apply. */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of [ENV.port, ENV.dataDir, ENV.configFile, ENV.siteUrl]) delete base[name];
  return { ...base, ...env };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function paperboy(args: string[], env: Record<string, string>) {
  return run(process.execPath, [...CLI, ...args], { cwd: ROOT, env: cliEnv(env), timeout: 120_000 });
}

/** Runs a command that must fail; resolves with its exit code and output. */
export function paperboyFails(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return paperboy(args, env).then(
    (ok) => {
      throw new Error(`paperboy ${args.join(' ')} succeeded:\n${ok.stdout}`);
    },
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

/** `paperboy start` in the background; resolves once it serves (it has printed "Ctrl-C"). */
export async function startServer(args: string[], env: Record<string, string>): Promise<{ server: ChildProcess; output: () => string }> {
  const server = spawn(process.execPath, [...CLI, 'start', ...args], { cwd: ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { server, output: () => out };
}

export async function stopServer(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGINT');
  await exited;
}

export async function outboxFiles(dataDir: string): Promise<string[]> {
  try {
    return (await readdir(join(dataDir, 'outbox'))).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
}

export interface MailEntry {
  name: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export async function mailEntries(dataDir: string): Promise<MailEntry[]> {
  const dir = join(dataDir, 'mail');
  const names = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as MailEntry));
}
