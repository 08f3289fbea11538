// Repository-wide Argo CD settings, shared by every environment (an environment's `gitops`
// overrides single fields). The Applications in dist/<env>/argocd/ are generated from this.
import { GitOpsConfig } from '../lib/config/types';

/** GitOpsConfig with the one field that has no sensible default made required. */
export type RepositoryGitOpsConfig = GitOpsConfig & { readonly repoURL: string };

export const GITOPS: RepositoryGitOpsConfig = {
  // SET THIS to the git repository Argo CD reads this project from (HTTPS or SSH URL), then run
  // `npm run synth`. The placeholder is on a reserved domain (RFC 2606) on purpose: until it is
  // set, Argo CD reports "repository not found" instead of deploying someone else's repository.
  repoURL: 'https://git.example.com/goblinos/overmind-nats.git',
  targetRevision: 'main',
};
