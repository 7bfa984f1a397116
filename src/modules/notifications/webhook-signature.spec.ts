import { createHmac } from 'node:crypto';
import { signWebhook, signWebhookTimestamped, verifyWebhook, webhookHeaders } from './webhook-signature';

const SECRET = 'k'.repeat(32);
const BODY = '{"type":"grant.activated","data":{"id":"g1"}}';
const NOW = 1_800_000_000;

describe('webhook signatures', () => {
  it('signs exactly the body bytes, as a receiver with any HMAC library recomputes it', () => {
    const expected = createHmac('sha256', SECRET).update(BODY).digest('hex');
    expect(signWebhook(SECRET, BODY)).toBe(`sha256=${expected}`);
    expect(signWebhook(SECRET, Buffer.from(BODY))).toBe(`sha256=${expected}`);
    const timestamped = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    expect(signWebhookTimestamped(SECRET, NOW, BODY)).toBe(`sha256=${timestamped}`);
  });

  it('accepts its own headers, whatever their case', () => {
    const headers = webhookHeaders(SECRET, BODY, NOW);
    expect(headers).toMatchObject({ 'content-type': 'application/json', 'x-timestamp': String(NOW) });
    expect(verifyWebhook(SECRET, BODY, headers, { nowSeconds: NOW + 10 })).toEqual({ valid: true, timestamp: NOW });
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook(SECRET, BODY, upper, { nowSeconds: NOW })).toEqual({ valid: true, timestamp: NOW });
  });

  it('refuses a changed body, a wrong secret, a replay with a new timestamp and an old message', () => {
    const headers = webhookHeaders(SECRET, BODY, NOW);
    const at = { nowSeconds: NOW };
    expect(verifyWebhook(SECRET, BODY.replace('g1', 'g2'), headers, at)).toEqual({ valid: false, reason: 'bad_signature' });
    expect(verifyWebhook('x'.repeat(32), BODY, headers, at)).toEqual({ valid: false, reason: 'bad_signature' });
    const replayed = { ...headers, 'x-timestamp': String(NOW + 3600) };
    expect(verifyWebhook(SECRET, BODY, replayed, { nowSeconds: NOW + 3600 })).toEqual({
      valid: false,
      reason: 'bad_timestamped_signature',
    });
    expect(verifyWebhook(SECRET, BODY, headers, { nowSeconds: NOW + 301 })).toEqual({ valid: false, reason: 'stale_timestamp' });
    expect(verifyWebhook(SECRET, BODY, { ...headers, 'x-timestamp': 'soon' }, at)).toEqual({ valid: false, reason: 'bad_timestamp' });
    expect(verifyWebhook(SECRET, BODY, {}, at)).toEqual({ valid: false, reason: 'bad_signature' });
  });
});
