/** Style sheets are bundled by webpack (mini-css-extract-plugin) into one hashed file. */
declare module '*.css';
