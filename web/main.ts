import './components/atlas-explorer.js';
