// electron-builder configuration (found automatically by `electron-builder` under this name).
// The app ships as bundles only: dist/electron/*.cjs (main, preload, search worker, tfjs inlined),
// dist/renderer, the sample CSVs and package.json. No node_modules: see scripts/build-electron.mjs.
// `npm run package:check` packages it offline with a stand-in Electron and checks size and fuses.

/** @type {import('app-builder-lib').Configuration} */
module.exports = {
  appId: 'app.augur.desktop',
  productName: 'Augur',
  executableName: 'augur',
  copyright: 'Augur contributors',
  directories: { output: 'release', buildResources: 'build' },
  files: ['package.json', 'dist/electron/**', 'dist/renderer/**', 'assets/samples/*.csv', 'assets/samples/samples.json', '!**/*.map', '!node_modules/**'],
  asar: true,
  // Read by worker threads and by WebAssembly instantiation straight from disk.
  asarUnpack: ['dist/electron/wasm/**', 'dist/electron/worker.cjs', 'dist/electron/import-worker.cjs'],
  // Nothing native is shipped (tfjs-node stays an optional, external dev-time accelerator).
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  // Electron fuses (flipped in the binary at package time; Electron security checklist).
  electronFuses: {
    runAsNode: false, // ELECTRON_RUN_AS_NODE cannot turn the app into a general Node
    enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS / NODE_EXTRA_CA_CERTS ignored
    enableNodeCliInspectArguments: false, // no --inspect debugging of the shipped app
    enableEmbeddedAsarIntegrityValidation: true, // macOS and Windows check app.asar against its hash
    onlyLoadAppFromAsar: true, // no loose "app" folder can replace the code
    enableCookieEncryption: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false, // we serve from app://, never file://
  },
  win: { target: [{ target: 'nsis', arch: ['x64', 'arm64'] }] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: {
    target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
    category: 'public.app-category.productivity',
    hardenedRuntime: true,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
  },
  linux: { target: ['AppImage', 'deb'], category: 'Science', maintainer: 'Augur contributors' },
};
