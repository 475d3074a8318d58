/// <reference types="vite/client" />
// Vite's own types: import.meta.glob (ipc.test.ts reads the sources with it).
