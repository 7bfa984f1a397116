import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@/common/errors/domain-error';
import { approverActor, signedInApproverActor } from '@/modules/audit/actors';
import type { Actor } from '@/modules/audit/audit-chain';
import type { GrantRecord } from '@/modules/grants/grant.types';
import { GrantsRepository } from '@/modules/grants/grants.repository';
import { HtmlPage, renderMessagePage, renderRequestPage, RequestView } from './approval-page';
import { DECISIONS, eligibility, groupProgress } from './approval-rules';
import type { ApprovalDecision } from './approval-rules';
import { ApprovalTokensService } from './approval-tokens.service';
import { PolicyReads } from '@/modules/policies/policy-reads';
import type { ApprovalTokenRecord } from './approval-tokens.repository';
import { approvalCase, ApprovalsService, DecisionResult, LinkUnusableError, refusal } from './approvals.service';
import { ApprovalSignIn, Redirect } from './approval-sign-in';

/** A page, or (sign-in required) a redirect to the identity provider. */
export type PageResult = HtmlPage | Redirect;

type Opened = { page: HtmlPage } | { link: ApprovalTokenRecord; grant: GrantRecord; view: RequestView };

const message = (status: number, title: string, text: string, view?: RequestView): HtmlPage => ({ status, html: renderMessagePage(title, text, view) });

const UNKNOWN = message(404, 'Link not valid', 'This approval link is not valid. Check that you opened the whole link from your message.');
const USED = message(410, 'Link already used', 'A decision has already been made with this link. Each link works once.');
const EXPIRED = message(410, 'Link expired', 'This approval link has expired. Ask for a new one if the request still waits for approval.');

const TITLES: Partial<Record<DomainError['code'], string>> = {
  forbidden: 'You cannot decide this request',
  conflict: 'You have already decided',
  invalid_state: 'No longer waiting for approval',
  not_found: 'Request not found',
};

function parseForm(body: unknown): { decision: ApprovalDecision; comment: string | null } | null {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { decision, comment } = form;
  if (typeof decision !== 'string' || !(DECISIONS as readonly string[]).includes(decision)) return null;
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > 2000)) return null;
  const text = typeof comment === 'string' ? comment.trim() : '';
  return { decision: decision as ApprovalDecision, comment: text === '' ? null : text };
}

function outcomePage(result: DecisionResult, view: RequestView): HtmlPage {
  const { grant } = result;
  const round = approvalCase(grant, new Date(), result.round);
  const approvals = result.round > 0 ? (grant.extensions.find((e) => e.round === result.round)?.approvals ?? []) : grant.approvals;
  const done = { ...view, status: round.status, approvals, progress: groupProgress(round.groups, approvals) };
  const what = result.round > 0 ? 'extension' : 'request';
  if (result.outcome === 'approved') {
    return message(200, `${what === 'request' ? 'Request' : 'Extension'} approved`, `You approved the ${what}. Access is active until ${grant.expiresAt?.toISOString()}.`, done);
  }
  if (result.outcome === 'denied') return message(200, `${what === 'request' ? 'Request' : 'Extension'} denied`, `You denied the ${what}. The requester will be told.`, done);
  return message(200, 'Approval recorded', `Your approval is recorded. The ${what} still needs approvals from other approvers.`, done);
}

/** The approver's personal page: GET shows and never changes anything (mail scanners open links); POST decides. */
@Injectable()
export class ApprovalPageService {
  private readonly logger = new Logger(ApprovalPageService.name);

  constructor(
    private readonly tokens: ApprovalTokensService,
    private readonly policies: PolicyReads,
    private readonly grants: GrantsRepository,
    private readonly decisions: ApprovalsService,
    private readonly signIn: ApprovalSignIn,
  ) {}

  show(token: string, cookies?: string): Promise<PageResult> {
    return this.guard(async () => {
      const opened = await this.open(token);
      if ('page' in opened) return opened.page;
      const { link, grant, view } = opened;
      const who = await this.signedIn(link.tenantId, link.approverEmail, cookies);
      if (who === 'sign_in') return this.startSignIn(link.tenantId, token);
      if ('html' in who) return who;
      const eligible = eligibility(approvalCase(grant, new Date(), link.round), link.approverEmail);
      const refused = refusal(eligible === 'eligible' ? 'recorded' : eligible, link.approverEmail, view.status);
      return refused ? this.refusalPage(refused, view) : { status: 200, html: renderRequestPage(view) };
    });
  }

  submit(token: string, body: unknown, cookies?: string): Promise<PageResult> {
    return this.guard(async () => {
      const form = parseForm(body);
      if (!form) return message(400, 'Incomplete form', 'Choose Approve or Deny; a comment may have up to 2000 characters.');
      const opened = await this.open(token);
      if ('page' in opened) return opened.page;
      const { link, view } = opened;
      const who = await this.signedIn(link.tenantId, link.approverEmail, cookies);
      if (who === 'sign_in') return message(401, 'Sign in first', 'This tenant records decisions only for signed-in approvers: open the link again to sign in.');
      if ('html' in who) return who;
      try {
        const input = { approverEmail: link.approverEmail, ...form };
        const result = await this.decisions.decide(link.tenantId, link.grantId, input, who.actor, { id: link.id, round: link.round });
        return outcomePage(result, view);
      } catch (error) {
        if (error instanceof LinkUnusableError) return USED;
        if (error instanceof DomainError) return this.refusalPage(error, view);
        throw error;
      }
    });
  }

  private async open(token: string): Promise<Opened> {
    const link = await this.tokens.resolve(token);
    if (!link) return { page: UNKNOWN };
    if (link.usedAt) return { page: USED };
    if (link.expiresAt <= new Date()) return { page: EXPIRED };
    const grant = await this.grants.find(link.tenantId, link.grantId);
    if (!grant) return { page: UNKNOWN };
    const policyName = grant.policyId ? await this.policies.name(link.tenantId, grant.policyId) : null;
    const round = approvalCase(grant, new Date(), link.round);
    const extension = link.round > 0 ? grant.extensions.find((e) => e.round === link.round) : undefined;
    const view: RequestView = {
      approverEmail: link.approverEmail,
      principal: grant.principal,
      action: grant.action,
      resource: grant.resource,
      requesterEmail: grant.requesterEmail,
      durationSeconds: grant.durationSeconds,
      justification: grant.justification,
      policy: grant.policyId ? { id: grant.policyId, name: policyName } : null,
      createdAt: grant.createdAt,
      approvalDeadline: grant.approvalDeadline,
      status: round.status,
      approvals: extension?.approvals ?? grant.approvals,
      progress: groupProgress(round.groups, round.approvals),
      extension: extension ? { addedSeconds: extension.addedSeconds, expiresAt: grant.expiresAt, justification: extension.justification } : null,
    };
    return { link, grant, view };
  }

  /** The sign-in callback: back to the link with a session, or a page saying why not. */
  finishSignIn(query: string, cookies?: string): Promise<PageResult> {
    return this.guard(async () => {
      try {
        return await this.signIn.finish(query, cookies);
      } catch (error) {
        if (error instanceof DomainError) return message(error.status, 'Sign-in failed', error.message);
        throw error;
      }
    });
  }

  /**
   * Who decides through this link: anyone holding it, or with `approval_requires_sign_in` only the link's approver
   * signed in (`sign_in` when nobody is; a page when someone else is).
   */
  private async signedIn(tenantId: string, approverEmail: string, cookies: string | undefined): Promise<{ actor: Actor } | HtmlPage | 'sign_in'> {
    if (!(await this.signIn.required(tenantId))) return { actor: approverActor(approverEmail) };
    const session = await this.signIn.session(tenantId, cookies);
    if (!session) return 'sign_in';
    if (session.email !== approverEmail) return message(403, 'This link is for someone else', `You are signed in as ${session.email}; this link is for ${approverEmail}.`);
    return { actor: signedInApproverActor(session.provider, session.sub, session.email) };
  }

  /** The redirect to the identity provider, or a page saying why sign-in cannot start (no provider, provider down). */
  private async startSignIn(tenantId: string, token: string): Promise<PageResult> {
    try {
      return await this.signIn.start(tenantId, token);
    } catch (error) {
      if (error instanceof DomainError) return message(error.status, 'Sign-in unavailable', `${error.message}. No decision can be made through this link until then.`);
      throw error;
    }
  }

  private refusalPage(error: DomainError, view: RequestView): HtmlPage {
    return message(error.status, TITLES[error.code] ?? 'Not possible', error.message, view);
  }

  /** Whatever fails, the approver gets a page, never a stack trace; the token is not logged. */
  private async guard(render: () => Promise<PageResult>): Promise<PageResult> {
    try {
      return await render();
    } catch (error) {
      this.logger.error({ err: error }, 'approval page failed');
      return message(500, 'Something went wrong', 'The page could not be shown. Open the link again later to see where the request stands.');
    }
  }
}
