// The browser loads vendor/preact.js, copied from the preact package at build time; its types are the package's.
export * from 'preact';
