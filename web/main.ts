import './components/atlas-explorer.js';
import { registerOffline } from './offline.js';

registerOffline();
