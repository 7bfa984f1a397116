import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@/common/auth/roles';
import { ApiErrors, textContent } from '@/common/http/api-doc';
import { FORM_BODY } from '@/common/http/body-parsers';
import { HtmlPage, PAGE_HEADERS } from './approval-page';
import { ApprovalPageService } from './approval-page.service';

async function send(reply: FastifyReply, page: Promise<HtmlPage>): Promise<void> {
  const { status, html } = await page;
  await reply.status(status).headers(PAGE_HEADERS).send(html);
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

  /** Shows the request with Approve and Deny; changes nothing. */
  @Get(':token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approval page: the request with Approve and Deny buttons' })
  @ApiResponse({ status: 200, description: 'Success', content: textContent('text/html') })
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return send(reply, this.pages.show(token));
  }

  /** Records the decision (`decision` = approve or deny, optional `comment`) and shows the outcome. */
  @Post(':token')
  @RouteConfig(FORM_BODY)
  @ApiConsumes('application/x-www-form-urlencoded')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the approver\'s decision and show the outcome page' })
  @ApiResponse({ status: 200, description: 'Success', content: textContent('text/html') })
  @ApiResponse({ status: 400, description: 'Incomplete form (HTML page)', content: textContent('text/html') })
  @ApiResponse({ status: 409, description: 'The grant no longer waits for this decision (HTML page)', content: textContent('text/html') })
  submit(@Param('token') token: string, @Body() form: unknown, @Res() reply: FastifyReply) {
    return send(reply, this.pages.submit(token, form));
  }
}
