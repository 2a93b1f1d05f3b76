import { isCompareQuery } from './state/compare-url.js';
import { registerOffline } from './offline.js';

registerOffline();

// `?compare=…` shows two sweeps side by side; everything else is the explorer.
if (isCompareQuery(location.search)) {
  await import('./components/atlas-compare.js');
  document.querySelector('atlas-explorer')?.replaceWith(document.createElement('atlas-compare'));
} else {
  await import('./components/atlas-explorer.js');
}
