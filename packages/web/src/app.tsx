import { useEffect, useRef } from 'preact/hooks';
import { AuditPage } from './pages/audit.tsx';
import { CatalogPage } from './pages/catalog.tsx';
import { DecidePage } from './pages/decide.tsx';
import { DisclosePage } from './pages/disclose.tsx';
import { EstimatePage } from './pages/estimate.tsx';
import { InvestigatePage } from './pages/investigate.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { WatchPage } from './pages/watch.tsx';
import { pages, useRoute } from './router.ts';

export function App() {
  const path = useRoute();
  const title = pages.find((p) => p.path === path)?.title ?? 'Overview';
  const firstRender = useRef(true);
  useEffect(() => {
    document.title = `${title} · Clearbox`;
    // After a page change, keyboard and screen-reader users continue at the new content, not the old link.
    if (!firstRender.current) document.getElementById('main')?.focus({ preventScroll: true });
    firstRender.current = false;
  }, [title]);
  return (
    <>
      <button class="skip" type="button" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <div class="inner">
          <a class="brand" href="#/">
            Clearbox
          </a>
          <nav aria-label="Pages">
            <ul>
              {pages.map((p) => (
                <li key={p.path}>
                  <a href={`#${p.path}`} aria-current={p.path === path ? 'page' : undefined}>
                    {p.title}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1} data-page={path}>
        {path === '/' && <OverviewPage />}
        {path === '/estimate' && <EstimatePage />}
        {path === '/disclose' && <DisclosePage />}
        {path === '/audit' && <AuditPage />}
        {path === '/decide' && <DecidePage />}
        {path === '/watch' && <WatchPage />}
        {path === '/investigate' && <InvestigatePage />}
        {path === '/catalog' && <CatalogPage />}
      </main>
      <footer class="foot">
        Computed in your browser by @clearbox/core from the bundled catalog; nothing you type leaves this page
        unless you save it. Every number opens to its formula, inputs and sources.
      </footer>
    </>
  );
}
