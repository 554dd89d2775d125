import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vite';
import { paraglideOptions } from './i18n.config.js';

const api = process.env.STOREPULSE_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [paraglideVitePlugin(paraglideOptions), sveltekit()],
  build: {
    // ECharts' own chunk is about 560 kB, loaded only by the pages with a chart; the app's largest is under 200 kB.
    chunkSizeWarningLimit: 600,
    // Fewer, larger chunks: over HTTP/1.1 the wall's first load queued two dozen small files six at a time, and
    // its data requests behind them. ECharts stays apart, loaded only by the pages with charts.
    rolldownOptions: {
      // The build's plugin timings (most of it SvelteKit writing the site) are no news to anyone running it.
      checks: { bundlerTimings: false },
      output: {
        codeSplitting: {
          groups: [
            { name: 'vendor', test: /node_modules[\\/](?!echarts|zrender|tslib)/, priority: 2 },
            { name: 'app', test: /[\\/]src[\\/]lib[\\/]/, minShareCount: 3, priority: 1 },
          ],
        },
      },
    },
  },
  ssr: {
    // The workspace root hoists a newer `cookie` (for the server) than the one SvelteKit needs; bundling
    // it resolves Kit's own copy for the build-time render of the fallback page.
    noExternal: ['cookie'],
  },
  server: {
    proxy: {
      // Not the string form, which rewrites Host to the target's: the server would then take the page's Origin
      // (this dev server) for another site and refuse its sign-in and changes (see ALLOWED_ORIGINS).
      '/api': { target: api },
      '/socket.io': { target: api, ws: true },
      // Only the wall link with a token needs the server (it sets the cookie); /wall itself is the app.
      '/wall': { target: api, bypass: (req) => (req.url?.includes('token=') ? null : req.url) },
    },
  },
});
