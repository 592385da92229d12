/** Opens a URL in the user's browser for `agentry login`; the URL is printed too, so failing is no error. */
import { spawn } from 'node:child_process';

export function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // The URL is printed; a missing opener is no failure.
  }
}
