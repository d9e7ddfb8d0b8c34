// The browser loads vendor/htm.js, copied from the htm package at build time; its types are the package's.
export { default } from 'htm';
