// The browser loads vendor/preact-hooks.js, copied from preact/hooks at build time; its types are the package's.
export * from 'preact/hooks';
