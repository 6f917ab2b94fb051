import { useEffect, useRef } from 'preact/hooks';
import { LazyPage } from './components/lazy-page.tsx';
import { DisclosePage } from './pages/disclose.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { pages, useRoute } from './router.ts';

// The overview (and the disclose page, whose tables it shows) ship with the first page; the others load
// when first opened.
const loadEstimate = () => import('./pages/estimate.tsx').then((m) => m.EstimatePage);
const loadAudit = () => import('./pages/audit.tsx').then((m) => m.AuditPage);
const loadDecide = () => import('./pages/decide.tsx').then((m) => m.DecidePage);
const loadWatch = () => import('./pages/watch.tsx').then((m) => m.WatchPage);
const loadInvestigate = () => import('./pages/investigate.tsx').then((m) => m.InvestigatePage);
const loadCatalog = () => import('./pages/catalog.tsx').then((m) => m.CatalogPage);

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
        {path === '/estimate' && <LazyPage load={loadEstimate} />}
        {path === '/disclose' && <DisclosePage />}
        {path === '/audit' && <LazyPage load={loadAudit} />}
        {path === '/decide' && <LazyPage load={loadDecide} />}
        {path === '/watch' && <LazyPage load={loadWatch} />}
        {path === '/investigate' && <LazyPage load={loadInvestigate} />}
        {path === '/catalog' && <LazyPage load={loadCatalog} />}
      </main>
      <footer class="foot">
        Computed in your browser by @clearbox/core from the bundled catalog; nothing you type leaves this page
        unless you save it or send logs to investigate (to the Clearbox server, which reads them with DuckDB).
        Every number opens to its formula, inputs and sources.
      </footer>
    </>
  );
}
