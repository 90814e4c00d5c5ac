/**
 * Entry point of the bundled language server (dist/server.js). The transport comes from the command
 * line: `--stdio` for any LSP client (Neovim, Helix...), `--node-ipc` when VS Code's client starts it,
 * or `--socket=PORT` / `--pipe=NAME`.
 */
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { SERVER_NAME, SERVER_VERSION, startServer } from './server';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
const args = process.argv.slice(2);
const usage = `${SERVER_NAME} language server ${SERVER_VERSION}\nusage: node server.js --stdio | --node-ipc | --socket=PORT | --pipe=NAME\n`;

if (args.includes('--version')) {
  process.stdout.write(`${SERVER_VERSION}\n`);
  process.exit(0);
}
if (args.includes('--help')) {
  process.stdout.write(usage);
  process.exit(0);
}
if (!args.some((a) => TRANSPORTS.includes(a.split('=')[0]!))) {
  process.stderr.write(usage);
  process.exit(2);
}

let shutdownRequested = false;

/**
 * Over stdio, stdout belongs to the protocol: stray console output goes to stderr, and a broken stream
 * ends the process. A message whose body is not JSON is skipped (the framing is intact), but a bad
 * header loses the framing for good, so the server exits instead of waiting forever.
 */
function stdioConnection(): Connection {
  for (const method of ['log', 'info', 'warn', 'debug', 'trace'] as const) {
    console[method] = (...parts: unknown[]) => process.stderr.write(`${parts.map(String).join(' ')}\n`);
  }
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout);
  reader.onError((error) => {
    if (error instanceof SyntaxError) return;
    process.stderr.write(`${SERVER_NAME}: unreadable message stream (${error.message.split('\n')[0]}); exiting\n`);
    process.exit(1);
  });
  const end = () => process.exit(shutdownRequested ? 0 : 1);
  process.stdin.on('end', end);
  process.stdin.on('close', end);
  process.stdout.on('error', () => process.exit(1));
  return createConnection(ProposedFeatures.all, reader, writer);
}

const connection = args.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);

function logError(message: string): void {
  try {
    connection.console.error(message);
  } catch {
    process.stderr.write(`${message}\n`);
  }
}

// One bad message or a bug in a rule must not take the editor's diagnostics down with it.
process.on('uncaughtException', (err) => logError(`uncaught: ${err?.stack ?? String(err)}`));
process.on('unhandledRejection', (reason) => logError(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));

startServer(connection, {
  onShutdown: () => {
    shutdownRequested = true;
  },
});
