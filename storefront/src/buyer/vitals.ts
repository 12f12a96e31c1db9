import { onCLS, onINP, onLCP, type Metric } from "web-vitals";

/**
 * Core Web Vitals of this page, kept on `window.__vitals` for the browser tests and the
 * storefront benchmark (nothing is sent anywhere).
 */
declare global {
  interface Window {
    __vitals?: Record<string, number>;
  }
}

export function reportWebVitals(): void {
  const store = (window.__vitals ??= {});
  const keep = (m: Metric) => {
    store[m.name] = Math.max(store[m.name] ?? 0, m.value);
  };
  onLCP(keep, { reportAllChanges: true });
  onCLS(keep, { reportAllChanges: true });
  onINP(keep, { reportAllChanges: true });
  // Interactions quicker than web-vitals' 40 ms threshold are not reported as INP: keep the
  // slowest event too, so a measurement of a fast page is a small number rather than none.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) store.eventMax = Math.max(store.eventMax ?? 0, e.duration);
    }).observe({ type: "event", buffered: true, durationThreshold: 16 } as PerformanceObserverInit);
  } catch {
    // Browsers without the Event Timing API: INP alone.
  }
}
