import { useEffect, useRef } from 'react';
import { Banner } from './components/Banner.tsx';
import { Logo } from './components/Logo.tsx';
import { StatusFooter } from './components/StatusFooter.tsx';
import { Stepper } from './components/Stepper.tsx';
import { CheckScreen } from './screens/CheckScreen.tsx';
import { ImportScreen } from './screens/ImportScreen.tsx';
import { ResultsScreen } from './screens/ResultsScreen.tsx';
import { TrainScreen } from './screens/TrainScreen.tsx';
import { store, useAugur, visibleStep } from './store.ts';

/**
 * A file dropped beside the drop zone must never make the window navigate to it (that would replace
 * the app with the raw file). On the Import step such a drop simply imports the file.
 */
function useWindowDrop() {
  useEffect(() => {
    const over = (e: DragEvent) => e.preventDefault();
    const drop = (e: DragEvent) => {
      if (e.defaultPrevented) return; // the drop zone handled it
      e.preventDefault();
      const s = store.getState();
      const file = e.dataTransfer?.files[0];
      if (file && visibleStep(s) === 'import' && !s.importJob) void s.importFile(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
}

export function App() {
  // Never render a step whose data is gone (e.g. changed settings cleared the run).
  const shown = useAugur(visibleStep);
  useWindowDrop();
  // On a step change, move focus to the new screen's heading so keyboard and screen-reader users land there.
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
    window.scrollTo(0, 0);
  }, [shown]);
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <Logo size={30} />
          <span className="brand__name">Augur</span>
        </div>
        <Stepper />
      </header>
      <main className="main" ref={main}>
        <Banner />
        {shown === 'import' && <ImportScreen />}
        {shown === 'check' && <CheckScreen />}
        {shown === 'train' && <TrainScreen />}
        {shown === 'results' && <ResultsScreen />}
      </main>
      <StatusFooter />
    </div>
  );
}
