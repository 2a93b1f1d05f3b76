import { isCompareQuery } from './state/compare-url.js';
import { registerOffline } from './offline.js';

registerOffline();

// A model file in the URL is compiled first (this loads mathjs's parser): the view, or a side of a
// comparison, may name its model.
if (new URLSearchParams(location.search).has('file')) (await import('./user-model/url-model.js')).loadUrlModel(location.search);
// `?compare=…` shows two sweeps side by side; everything else is the explorer.
if (isCompareQuery(location.search)) {
  await import('./components/atlas-compare.js');
  document.querySelector('atlas-explorer')?.replaceWith(document.createElement('atlas-compare'));
} else {
  await import('./components/atlas-explorer.js');
}
