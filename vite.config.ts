import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// The web app lives in src/web and is served by the API server from dist/web in production.
export default defineConfig({
  root: 'src/web',
  plugins: [
    react(),
    // installable app + service worker (see docs/offline-capture.md); main.tsx registers /sw.js
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      includeAssets: ['icons/apple-touch-icon.png'],
      manifest: {
        id: '/',
        name: '共进 · 义务教育共同体',
        short_name: '共进',
        description: '义务教育共同体管理与评价平台 / urban–rural school alliance platform',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1677ff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // the app shell: everything built but the charts library (1/3 of the bytes, pages a teacher
        // rarely opens on a phone); it is cached the first time a page needs it
        globPatterns: ['**/*.{js,css,html,png,svg,woff2,webmanifest}'],
        globIgnores: ['**/echarts-*.js'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        // index.html carries a per-load CSP nonce: navigations go to the network, the precached copy
        // (with its own matching header) only when there is none
        navigateFallback: null,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          {
            urlPattern: ({ request, url }) =>
              request.mode === 'navigate' && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/display/'),
            handler: 'NetworkFirst',
            options: {
              cacheName: 'gongjin-pages',
              networkTimeoutSeconds: 10,
              precacheFallback: { fallbackURL: 'index.html' },
              expiration: { maxEntries: 1 },
            },
          },
          {
            urlPattern: ({ url }) => url.pathname.startsWith('/assets/'),
            handler: 'CacheFirst',
            options: { cacheName: 'gongjin-assets', expiration: { maxEntries: 20, maxAgeSeconds: 30 * 24 * 3600 } },
          },
          {
            // the reads the app needs to open and record offline: who is signed in, the teacher's
            // recent records, the pickers. (Written inline: the function is copied into sw.js.)
            // The cache name must match API_CACHE in src/web/offline/queue.ts (cleared on sign-out).
            urlPattern: ({ url, request }) =>
              request.method === 'GET' &&
              /^\/api\/v1\/(auth\/me|activities|communities|schools|teachers|sync-calendar)/.test(url.pathname),
            handler: 'NetworkFirst',
            options: {
              cacheName: 'gongjin-api',
              networkTimeoutSeconds: 8,
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 150, maxAgeSeconds: 3 * 24 * 3600 },
            },
          },
        ],
      },
    }),
  ],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 30 },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|rc-[^\\/]+|@rc-component)[\\/]/, priority: 20 },
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/,
              priority: 25,
            },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
