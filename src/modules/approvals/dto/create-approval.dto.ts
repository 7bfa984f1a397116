import { IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { DECISIONS } from '../approval-rules';
import type { ApprovalDecision } from '../approval-rules';

export class CreateApprovalDto {
  /** Who decides: must be a member of one of the request's approval groups, and not the requester. */
  @IsEmail()
  @MaxLength(320)
  approver_email!: string;

  /** One `deny` by an eligible approver denies the request; it is approved once every group has enough approvals. */
  @IsIn(DECISIONS)
  decision!: ApprovalDecision;

  /** Shown on the grant and to later approvers. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}
