// memcached and redis-server for the verdict cache tests: each on a free
// loopback port, in its own session (setsid), stopped by its PID.
//
//   const mc = await startMemcached({ name: 'mc' });   // mc.port, mc.spec ('127.0.0.1:PORT')
//   await mc.stop();  await mc.start();                 // stop it and start it again, same port
//
// Both are stopped from suite.stopAll() when registered with suite.started(),
// and in any case by env.mjs's exit handler (every PID is tracked).
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { makeRunDir, freePort, track, stopChild, waitForPort } from './env.mjs';

const MEMCACHED = '/usr/bin/memcached';
const REDIS = '/usr/bin/redis-server';

function cacheServer({ name, program, port, args, what }) {
  const run = makeRunDir(name);
  const logFile = path.join(run, `${what}.log`);
  let child = null;
  const server = {
    name,
    port,
    spec: `127.0.0.1:${port}`,
    run,
    logFile,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    get pid() { return child?.pid; },
    get running() { return !!child && child.exitCode === null && child.signalCode === null; },
    // Start (again): resolves when the port accepts connections.
    async start() {
      if (server.running) return server;
      const out = openSync(logFile, 'a');
      // Not detached: setsid then execs the program in place (the child is
      // no process group leader), so child.pid is the server's own PID.
      const c = spawn('setsid', [program, ...args], { cwd: run, stdio: ['ignore', out, out] });
      closeSync(out);
      child = c;
      track(c.pid, `${what} ${name}`, { group: true });
      try {
        await waitForPort(port, {
          timeoutMs: 10000,
          alive: () => c.exitCode === null && c.signalCode === null,
          what: `${what} ${name} on ${port}`,
        });
      } catch (err) {
        await stopChild(c, { name: `${what} ${name}`, group: true });
        throw new Error(`${err.message}\n${server.log().slice(-2000)}`);
      }
      return server;
    },
    // SIGTERM to its PID (its session), SIGKILL after 5 s; resolves on exit.
    async stop() {
      if (child) await stopChild(child, { name: `${what} ${name}`, group: true, timeoutMs: 5000 });
    },
  };
  return server;
}

// memcached refuses to run as root without -u; -U 0 turns UDP off.
export async function startMemcached({ name = 'memcached', port } = {}) {
  port ??= await freePort();
  const server = cacheServer({
    name,
    program: MEMCACHED,
    port,
    what: 'memcached',
    args: ['-u', 'memcache', '-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '16', '-c', '256'],
  });
  return server.start();
}

// No persistence, loopback only, in the foreground, log to stdout.
export async function startRedis({ name = 'redis', port } = {}) {
  port ??= await freePort();
  const server = cacheServer({
    name,
    program: REDIS,
    port,
    what: 'redis',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--daemonize', 'no', '--logfile', '', '--loglevel', 'notice'],
  });
  return server.start();
}
