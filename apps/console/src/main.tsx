import { render } from 'preact';
import './styles.css';
import { App } from './app';
import { ConsoleSession } from './auth/console-session';
import { loadConfig } from './config';

const root = document.getElementById('app');
if (root) {
  loadConfig()
    .then((config) => {
      // The loading line goes: Preact renders beside what is in the element, not over it.
      root.textContent = '';
      render(<App session={new ConsoleSession(config)} />, root);
    })
    .catch((err: Error) => {
      root.textContent = `The console could not start: ${err.message}`;
    });
}
