import Router from '@koa/router';
import Koa from 'koa';

/** The ceiling for the start path: Koa and @koa/router answering the same body, with no work behind it. */
const app = new Koa();
const router = new Router({ prefix: '/api/v1' });
router.post('/campaigns/:id/start', (ctx) => {
  ctx.body = { id: ctx.params.id, message: 'Campaign execution intiated successfully. ' };
});
app.use(router.routes());
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object')
    process.stdout.write(`{"url":"http://127.0.0.1:${address.port}","msg":"campaign service listening"}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
