import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@/common/auth/roles';
import { ApiErrors, textContent } from '@/common/http/api-doc';
import { FORM_BODY } from '@/common/http/body-parsers';
import { PAGE_HEADERS } from './approval-page';
import { ApprovalPageService, PageResult } from './approval-page.service';

async function send(reply: FastifyReply, page: Promise<PageResult>): Promise<void> {
  const result = await page;
  if ('location' in result) {
    await reply.status(302).headers({ ...PAGE_HEADERS, location: result.location }).header('set-cookie', result.cookies).send();
    return;
  }
  await reply.status(result.status).headers(PAGE_HEADERS).send(result.html);
}

/** An approver's personal link: the token in the path is the only credential. */
@ApiTags('approval pages')
@ApiResponse({ status: 404, description: 'The link is not valid (HTML page)', content: textContent('text/html') })
@ApiResponse({ status: 410, description: 'The link was used or has expired (HTML page)', content: textContent('text/html') })
@ApiErrors(429)
@Controller('approvals')
@Public()
export class ApprovalPageController {
  constructor(private readonly pages: ApprovalPageService) {}

  /** The identity provider's redirect after an approver signed in (tenant setting `approval_requires_sign_in`). */
  @Get('sign-in/callback')
  @HttpCode(302)
  @ApiOperation({ summary: 'Identity provider redirect after an approver signed in: back to the approval page' })
  @ApiResponse({ status: 302, description: 'Signed in: redirect to the approval page, with the session cookie' })
  @ApiResponse({ status: 401, description: 'The sign-in expired, was not started here or did not complete (HTML page)', content: textContent('text/html') })
  callback(@Req() request: FastifyRequest, @Headers('cookie') cookies: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return send(reply, this.pages.finishSignIn(request.url.split('?')[1] ?? '', cookies));
  }

  /** Shows the request with Approve and Deny; changes nothing (or first sends the approver to sign in). */
  @Get(':token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approval page: the request with Approve and Deny buttons (or a redirect to sign in)' })
  @ApiResponse({ status: 200, description: 'Success', content: textContent('text/html') })
  @ApiResponse({ status: 302, description: 'Sign-in required: redirect to the identity provider' })
  show(@Param('token') token: string, @Headers('cookie') cookies: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return send(reply, this.pages.show(token, cookies));
  }

  /** Records the decision (`decision` = approve or deny, optional `comment`) and shows the outcome. */
  @Post(':token')
  @RouteConfig(FORM_BODY)
  @ApiConsumes('application/x-www-form-urlencoded')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the approver\'s decision and show the outcome page' })
  @ApiResponse({ status: 200, description: 'Success', content: textContent('text/html') })
  @ApiResponse({ status: 400, description: 'Incomplete form (HTML page)', content: textContent('text/html') })
  @ApiResponse({ status: 401, description: 'Sign-in required and no session (HTML page)', content: textContent('text/html') })
  @ApiResponse({ status: 409, description: 'The grant no longer waits for this decision (HTML page)', content: textContent('text/html') })
  submit(@Param('token') token: string, @Body() form: unknown, @Headers('cookie') cookies: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return send(reply, this.pages.submit(token, form, cookies));
  }
}
