import { IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IfPresent } from '@/common/http/validation';
import { DECISIONS } from '../approval-rules';
import type { ApprovalDecision } from '../approval-rules';

export class CreateApprovalDto {
  /**
   * Who decides: a member of one of the request's approval groups, not the requester. A person's token or a key
   * with `subject_email` decides as that person (another email is `403`); a service key must name the approver.
   */
  @IfPresent()
  @IsEmail()
  @MaxLength(320)
  approver_email?: string;

  /** One `deny` by an eligible approver denies the request; it is approved once every group has enough approvals. */
  @IsIn(DECISIONS)
  decision!: ApprovalDecision;

  /** Shown on the grant and to later approvers. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}
