// The API server for the contract test, started from server/ with the repo's own venv and the server's own
// commands: `flask migrate`, `flask seed-demo`, `flask run`, on a fresh SQLite file in a temp dir, the in-process
// Redis (memory://), no outbox thread, no rate limits. A stub of WeChat's jscode2session (a node http server here)
// stands in for api.weixin.qq.com so that /auth/wechat can be driven too.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '../../..');
const FLASK = path.join(REPO, '.venv/bin/flask');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** jscode2session answering {openid: <the code>, session_key}: wx.login's code names the user to log in. */
function startWeChatStub() {
  const calls = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://stub');
    calls.push(url.pathname + url.search);
    res.setHeader('content-type', 'application/json');
    if (url.pathname !== '/sns/jscode2session') {
      res.end(JSON.stringify({ errcode: 40001, errmsg: 'unexpected path' }));
      return;
    }
    const code = url.searchParams.get('js_code') || '';
    res.end(JSON.stringify(code ? { openid: code, session_key: 'stub-session-key' } : { errcode: 40029, errmsg: 'invalid code' }));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, calls, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (e) {
    return '';
  }
}

async function waitForHealth(base, child, logFile, deadlineMs) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(`the API server exited (code ${child.exitCode}) before answering /healthz:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch (e) {
      // not listening yet
    }
    await new Promise((r) => {
      setTimeout(r, 150);
    });
  }
  throw new Error(`the API server did not answer /healthz within ${deadlineMs / 1000} s:\n${tail(logFile)}`);
}

/**
 * Starts the server; resolves with {origin, baseUrl, tmpDir, wechat, stop()}. Throws with a readable message when
 * the venv is missing or a command fails (the contract test must fail then, never skip).
 */
async function startLiveServer({ startupMs = 30000 } = {}) {
  if (!fs.existsSync(FLASK)) {
    throw new Error(
      `contract test: ${FLASK} is missing. The contract test runs the real API server from server/ with the ` +
        "repo's venv: run `make install` (or `make test`, which creates it first), then run jest again.",
    );
  }
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'minzheng-contract-'));
  const wechat = await startWeChatStub();
  const port = await freePort();
  const env = Object.assign({}, process.env, {
    FLASK_APP: 'server:create_app',
    FLASK_DEBUG: '0',
    APP_ENV: 'development',
    DATABASE_URL: `sqlite:///${path.join(tmpDir, 'contract.sqlite3')}`,
    REDIS_URL: 'memory://',
    OUTBOX_IN_PROCESS: '0',
    RATELIMIT_ENABLED: '0',
    DEV_LOGIN_ENABLED: '1',
    STORAGE_DIR: path.join(tmpDir, 'uploads'),
    WECHAT_API_BASE: wechat.url,
    WECHAT_APP_ID: 'wx-contract-test',
    WECHAT_APP_SECRET: 'contract-test-secret',
    WECHAT_CONNECT_RETRIES: '0',
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    PYTHONUNBUFFERED: '1',
  });
  delete env.FLASK_RUN_PORT;
  delete env.FLASK_RUN_HOST;

  const stopStub = () =>
    new Promise((resolve) => {
      wechat.server.close(() => resolve());
    });
  const cleanup = async () => {
    await stopStub();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  };

  for (const command of [['migrate'], ['seed-demo']]) {
    const run = spawnSync(FLASK, command, { cwd: REPO, env, encoding: 'utf8', timeout: 60000 });
    if (run.status !== 0) {
      await cleanup();
      throw new Error(
        `contract test: \`flask ${command.join(' ')}\` failed (exit ${run.status}${run.error ? `, ${run.error.message}` : ''}):\n` +
          `${run.stdout || ''}\n${run.stderr || ''}`,
      );
    }
  }

  const logFile = path.join(tmpDir, 'server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(FLASK, ['run', '--host', '127.0.0.1', '--port', String(port), '--no-reload'], {
    cwd: REPO,
    env,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => {
        child.once('exit', resolve);
      });
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await cleanup();
  };

  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(origin, child, logFile, startupMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { origin, baseUrl: `${origin}/api/v1`, tmpDir, wechat, logFile, stop, log: () => tail(logFile, 30) };
}

module.exports = { startLiveServer, FLASK, REPO };
