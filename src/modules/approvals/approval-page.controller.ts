import { Body, Controller, Get, Headers, Param, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@/common/auth/roles';
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
@ApiProduces('text/html')
@Controller('approvals')
@Public()
export class ApprovalPageController {
  constructor(private readonly pages: ApprovalPageService) {}

  /** The identity provider's redirect after an approver signed in (tenant setting `approval_requires_sign_in`). */
  @Get('sign-in/callback')
  callback(@Req() request: FastifyRequest, @Headers('cookie') cookies: string | undefined, @Res() reply: FastifyReply) {
    return send(reply, this.pages.finishSignIn(request.url.split('?')[1] ?? '', cookies));
  }

  /** Shows the request with Approve and Deny; changes nothing (or first sends the approver to sign in). */
  @Get(':token')
  show(@Param('token') token: string, @Headers('cookie') cookies: string | undefined, @Res() reply: FastifyReply) {
    return send(reply, this.pages.show(token, cookies));
  }

  /** Records the decision (`decision` = approve or deny, optional `comment`) and shows the outcome. */
  @Post(':token')
  @RouteConfig(FORM_BODY)
  @ApiConsumes('application/x-www-form-urlencoded')
  submit(@Param('token') token: string, @Body() form: unknown, @Headers('cookie') cookies: string | undefined, @Res() reply: FastifyReply) {
    return send(reply, this.pages.submit(token, form, cookies));
  }
}
