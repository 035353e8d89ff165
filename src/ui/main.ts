// Entry point of the page: global styles, the Svelte app and, in a build, the offline cache.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
export default mount(App, { target });

// After one visit the built page works offline (the build writes sw.js beside index.html). The
// browser checks sw.js for a new version on every load, bypassing its HTTP cache.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js', { updateViaCache: 'none' }).catch(() => undefined);
}
