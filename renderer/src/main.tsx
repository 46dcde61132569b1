import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ensureBridge } from './bridge/index.ts';
import { App } from './App.tsx';
import { errorMessage } from './format.ts';
import { setBridge, store } from './store.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

async function start() {
  try {
    setBridge(await ensureBridge());
  } catch (err) {
    root.render(
      <div className="startup-problem" role="alert">
        <h1>Augur could not start</h1>
        <p>{errorMessage(err)}</p>
        <p>Close this window and open Augur again.</p>
      </div>,
    );
    return;
  }
  void store.getState().init();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
