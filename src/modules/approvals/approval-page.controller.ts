import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@/common/auth/roles';
import { FORM_BODY } from '@/common/http/body-parsers';
import { HtmlPage, PAGE_HEADERS } from './approval-page';
import { ApprovalPageService } from './approval-page.service';

async function send(reply: FastifyReply, page: Promise<HtmlPage>): Promise<void> {
  const { status, html } = await page;
  await reply.status(status).headers(PAGE_HEADERS).send(html);
}

/** An approver's personal link: the token in the path is the only credential. */
@ApiTags('approval pages')
@ApiProduces('text/html')
@Controller('approvals')
@Public()
export class ApprovalPageController {
  constructor(private readonly pages: ApprovalPageService) {}

  /** Shows the request with Approve and Deny; changes nothing. */
  @Get(':token')
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return send(reply, this.pages.show(token));
  }

  /** Records the decision (`decision` = approve or deny, optional `comment`) and shows the outcome. */
  @Post(':token')
  @RouteConfig(FORM_BODY)
  @ApiConsumes('application/x-www-form-urlencoded')
  submit(@Param('token') token: string, @Body() form: unknown, @Res() reply: FastifyReply) {
    return send(reply, this.pages.submit(token, form));
  }
}
