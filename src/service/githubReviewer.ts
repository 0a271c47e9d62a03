/**
 * The port through which deployday answers GitHub: src/github/ implements it (installation token
 * from the App's JWT, then POST to the deployment's callback URL); tests and the rehearsal can plug
 * in another. Declared here so the service and the jobs never import the HTTP client.
 */
export interface GitHubReview {
  callbackUrl: string;
  installationId: number;
  environment: string;
  state: 'approved' | 'rejected';
  comment: string;
}

export type GitHubReviewResult =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; status: number | null; error: string; retryAfterMs?: number };

export interface GitHubReviewer {
  review(review: GitHubReview): Promise<GitHubReviewResult>;
}
