import { join } from 'node:path';

/** The repository root and the docker/ folder, wherever Jest runs from. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const DOCKER_DIR = join(REPO_ROOT, 'docker');
